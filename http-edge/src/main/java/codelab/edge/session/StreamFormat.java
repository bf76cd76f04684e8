package codelab.edge.session;

import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.util.ByteString;

/**
 * How a session's server messages are written on a stream that is not a WebSocket; each message is
 * the exact JSON the WebSocket sends.
 */
enum StreamFormat {
  /**
   * Server-sent events: the message's type as {@code event}, its seq (persisted messages only) as
   * {@code id}, which a client resumes from with {@code Last-Event-ID}. The keep-alive is a comment,
   * which EventSource ignores (Pekko's heartbeat is an empty data event instead).
   */
  EVENT_STREAM(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), ": keep-alive\n\n") {
    @Override
    ByteString encode(ServerMessage message) {
      StringBuilder event = new StringBuilder("event: ").append(WireMessages.typeOf(message)).append('\n');
      WireMessages.seqOf(message).ifPresent(seq -> event.append("id: ").append(seq).append('\n'));
      event.append("data: ").append(WireMessages.text(message)).append("\n\n");
      return ByteString.fromString(event.toString());
    }
  },

  /** One JSON message per line; the keep-alive is an empty line, which line readers skip. */
  NDJSON(ContentTypes.create(MediaTypes.applicationWithFixedCharset("x-ndjson", HttpCharsets.UTF_8)), "\n") {
    @Override
    ByteString encode(ServerMessage message) {
      return ByteString.fromString(WireMessages.text(message) + "\n");
    }
  };

  private final ContentType contentType;
  private final ByteString keepAlive;

  StreamFormat(ContentType contentType, String keepAlive) {
    this.contentType = contentType;
    this.keepAlive = ByteString.fromString(keepAlive);
  }

  abstract ByteString encode(ServerMessage message);

  ContentType contentType() {
    return contentType;
  }

  /** Sent when nothing else was for a while, so that proxies and the server's idle timeout keep the stream open. */
  ByteString keepAlive() {
    return keepAlive;
  }

  /** NDJSON for a client that asks for it (and not for event streams too); server-sent events otherwise. */
  static StreamFormat accepted(Optional<String> accept) {
    boolean ndjson = accept.map(a -> a.contains("application/x-ndjson") && !a.contains("text/event-stream")).orElse(false);
    return ndjson ? NDJSON : EVENT_STREAM;
  }
}
