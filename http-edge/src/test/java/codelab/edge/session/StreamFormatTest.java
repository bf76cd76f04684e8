package codelab.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bytes of the session's stream: an event per message, named by its type, with an id only where a client can resume. */
class StreamFormatTest {

  @Test
  void aPersistedMessageIsAnEventWithItsSeqAsId() {
    assertEquals(
        "event: turn_completed\nid: 7\ndata: {\"type\":\"turn_completed\",\"seq\":7,\"turn_id\":\"t\"}\n\n",
        StreamFormat.EVENT_STREAM.encode(new ServerMessage.TurnCompleted(7, "t")).utf8String());
  }

  @Test
  void aDeltaHasNoIdToResumeFrom() {
    assertEquals(
        "event: assistant_delta\ndata: {\"type\":\"assistant_delta\",\"turn_id\":\"t\",\"index\":3,\"token\":\"a\\nb\"}\n\n",
        StreamFormat.EVENT_STREAM.encode(new ServerMessage.AssistantDelta("t", 3, "a\nb", null)).utf8String());
  }

  @Test
  void ndjsonIsTheWebSocketsTextOnALine() {
    assertEquals("{\"type\":\"pong\"}\n", StreamFormat.NDJSON.encode(new ServerMessage.Pong()).utf8String());
  }

  @Test
  void eventStreamsUnlessTheClientAsksForNdjsonOnly() {
    assertEquals(StreamFormat.EVENT_STREAM, StreamFormat.accepted(Optional.empty()));
    assertEquals(StreamFormat.EVENT_STREAM, StreamFormat.accepted(Optional.of("*/*")));
    assertEquals(StreamFormat.EVENT_STREAM, StreamFormat.accepted(Optional.of("text/event-stream, application/x-ndjson")));
    assertEquals(StreamFormat.NDJSON, StreamFormat.accepted(Optional.of("application/x-ndjson")));
  }
}
