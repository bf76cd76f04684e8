package codelab.platform.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.util.ByteString;

/**
 * Cuts a {@code text/event-stream} body into the data of its events: the part of the SSE format that
 * OpenAI-compatible servers use. Lines end in LF or CRLF; {@code data:} lines of one event are joined
 * with LF; a blank line ends an event; comments ({@code :...}) and other fields (event, id, retry) are
 * dropped, so keep-alive comments never count as model output.
 */
final class ServerSentEvents {

  private ServerSentEvents() {}

  static Flow<ByteString, String, NotUsed> data(int maxLineBytes) {
    return Flow.of(ByteString.class)
        // lines are cut on bytes, before decoding, so a UTF-8 character split across TCP chunks stays whole
        .via(Framing.delimiter(ByteString.fromString("\n"), maxLineBytes, FramingTruncation.ALLOW))
        .map(ServerSentEvents::line)
        .statefulMap(
            EventData::new,
            (event, line) -> Pair.create(event, event.accept(line)),
            // a server may close right after its last data line without the blank line
            event -> event.pending())
        .mapConcat(data -> data);
  }

  private static String line(ByteString bytes) {
    String line = bytes.utf8String();
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  /** The data lines of the event being read. */
  private static final class EventData {
    private final List<String> lines = new ArrayList<>();

    List<String> accept(String line) {
      if (line.isEmpty()) return flush();
      if (line.startsWith(":")) return List.of();
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      if (!field.equals("data")) return List.of();
      String value = colon < 0 ? "" : line.substring(colon + 1);
      lines.add(value.startsWith(" ") ? value.substring(1) : value);
      return List.of();
    }

    Optional<List<String>> pending() {
      return lines.isEmpty() ? Optional.empty() : Optional.of(flush());
    }

    private List<String> flush() {
      if (lines.isEmpty()) return List.of();
      String data = String.join("\n", lines);
      lines.clear();
      return List.of(data);
    }
  }
}
