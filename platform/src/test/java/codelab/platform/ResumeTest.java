package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that joins or comes back in the middle of a turn: it gets what was persisted after its
 * {@code after_seq}, then the running turn's partial text as one delta from index 0, then the live
 * ones, with nothing lost or repeated.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeTest {

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private Node node;
  private ApiClient api;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    // a turn of about two seconds, so that a second client can join in the middle of it
    running = RunningNode.start(databaseKind, Map.of("codelab.scripted-model.token-delay-ms", 10, "codelab.scripted-model.extra-tokens", 200));
    node = running.node();
    api = running.api();
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aClientJoiningMidTurnGetsTheMissedMessagesThenThePartialTextThenLiveDeltas() {
    String sessionId = api.createSession();
    try (SocketClient first = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, null)) {
      first.next("session_info");
      first.send(Map.of("type", "user_message", "content", "a long answer please", "operation_id", "long"));
      long acceptedSeq = first.next("message_accepted").get("seq").asLong();
      first.next("turn_started");
      for (int i = 0; i < 20; i++) first.next("assistant_delta");

      try (SocketClient late = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, "after_seq=1")) {
        late.next("session_info");
        assertEquals(acceptedSeq, late.next("message_accepted").get("seq").asLong());
        List<JsonNode> rest = late.untilType("turn_completed");
        JsonNode partial = rest.stream().filter(m -> m.get("type").asText().equals("assistant_delta")).findFirst().orElseThrow();
        assertEquals(0, partial.get("index").asInt());
        assertTrue(partial.path("count").asInt(1) >= 20, () -> "the partial text comes in one delta, not token by token: " + partial);
        String streamed = deltasInOrder(rest);
        JsonNode message = rest.get(rest.size() - 2);
        assertEquals("assistant_message", message.get("type").asText());
        assertEquals(message.get("content").asText(), streamed, "partial text plus live deltas make the whole message");
        assertTrue(streamed.length() > 200);
      }
      first.untilType("turn_completed");

      // within one connection: resume replays what was persisted after the given seq
      first.send(Map.of("type", "resume", "after_seq", acceptedSeq));
      assertEquals("turn_started", first.next().get("type").asText());
      assertEquals("assistant_message", first.next().get("type").asText());
      assertEquals("turn_completed", first.next().get("type").asText());
      first.send(Map.of("type", "resume", "after_seq", "soon"));
      assertEquals("invalid_message", first.next("error").get("code").asText());
    }
  }

  /** The tokens of the deltas, checking that their indexes (and counts) run 0, 1, 2 … without gaps or repeats. */
  static String deltasInOrder(List<JsonNode> messages) {
    StringBuilder text = new StringBuilder();
    int expected = 0;
    for (JsonNode m : messages) {
      if (!m.get("type").asText().equals("assistant_delta")) continue;
      assertEquals(expected, m.get("index").asInt(), () -> "a delta lost, repeated or out of order: " + m);
      expected += m.path("count").asInt(1);
      text.append(m.get("token").asText());
    }
    return text.toString();
  }
}
