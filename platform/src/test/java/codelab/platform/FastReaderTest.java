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
 * A client that reads as fast as it can is never dropped, however fast the model: the model here has
 * no pace at all and the socket's buffer is small, so per-token frames would overflow it; what waits
 * for the socket is merged instead, and a client that comes back mid-turn gets the partial text at once.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FastReaderTest {

  private static final int TOKENS = 20_000;

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(
        databaseKind,
        Map.of(
            "codelab.scripted-model.token-delay-ms", 0,
            "codelab.scripted-model.extra-tokens", TOKENS,
            "codelab.websocket.buffer-size", 16));
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aClientReadingAsFastAsItCanGetsWholeTurnsWithoutResync() {
    ApiClient api = running.api();
    String sessionId = api.createSession();
    try (SocketClient socket = SocketClient.connect(running.node().httpPort(), sessionId, api.accessToken, null)) {
      socket.next("session_info");
      for (int turn = 0; turn < 3; turn++) {
        socket.send(Map.of("type", "user_message", "content", "as fast as you can " + turn));
        List<JsonNode> messages = socket.untilType("turn_completed");
        assertTrue(messages.stream().noneMatch(m -> m.path("type").asText().equals("resync")), "never dropped");
        JsonNode answer = messages.stream().filter(m -> m.path("type").asText().equals("assistant_message")).findFirst().orElseThrow();
        assertEquals(answer.get("content").asText(), ResumeTest.deltasInOrder(messages), "every token once, in order");
      }
    }
  }

  @Test
  void aClientThatComesBackMidTurnCatchesUpInsteadOfOverflowingAgain() {
    ApiClient api = running.api();
    String sessionId = api.createSession();
    try (SocketClient first = SocketClient.connect(running.node().httpPort(), sessionId, api.accessToken, null)) {
      first.next("session_info");
      first.send(Map.of("type", "user_message", "content", "a long answer at full speed"));
      first.next("message_accepted");
      long startedSeq = first.next("turn_started").get("seq").asLong();
      for (int i = 0; i < 5; i++) first.next("assistant_delta");
      // come back five times while the turn streams, each time from the turn's start
      for (int attempt = 0; attempt < 5; attempt++) {
        try (SocketClient again = SocketClient.connect(running.node().httpPort(), sessionId, api.accessToken, "after_seq=" + startedSeq)) {
          again.next("session_info");
          JsonNode next = again.next();
          assertTrue(
              List.of("assistant_delta", "assistant_message").contains(next.path("type").asText()),
              () -> "the partial text or the finished answer: " + next);
          if (next.path("type").asText().equals("assistant_delta")) {
            assertEquals(0, next.get("index").asInt());
            assertTrue(next.path("count").asInt(1) >= 5, () -> "the partial text in one delta: " + next);
          }
          for (int i = 0; i < 30 && !next.path("type").asText().equals("assistant_message"); i++) {
            JsonNode later = again.next();
            assertTrue(!later.path("type").asText().equals("resync"), "a client that keeps up is not dropped");
            if (later.path("type").asText().equals("turn_completed")) break;
          }
        }
      }
      List<JsonNode> rest = first.untilType("turn_completed");
      assertTrue(rest.stream().noneMatch(m -> m.path("type").asText().equals("resync")));
    }
  }
}
