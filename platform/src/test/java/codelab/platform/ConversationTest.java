package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * A user's whole path through one node, from outside: register, log in, create a session, chat over
 * a real WebSocket with the scripted model behind real HTTP. Runs on H2 and on PostgreSQL.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConversationTest {

  @Parameter TestDatabase.Kind databaseKind;

  private RunningNode running;
  private Node node;
  private ApiClient api;

  @BeforeParameterizedClassInvocation
  void startNode() throws java.io.IOException {
    running = RunningNode.start(databaseKind, Map.of());
    node = running.node();
    api = running.api();
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aStreamedTurnsDeltasConcatenateToTheFinalMessage() {
    String sessionId = api.createSession();
    try (SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, null)) {
      JsonNode info = socket.next("session_info");
      assertEquals(sessionId, info.get("session_id").asText());
      assertEquals(1, info.get("last_seq").asLong());

      socket.send(Map.of("type", "user_message", "content", "explain this code please", "operation_id", "op-1"));
      JsonNode accepted = socket.next("message_accepted");
      assertEquals("op-1", accepted.get("operation_id").asText());

      List<JsonNode> turn = socket.untilType("turn_completed");
      StringBuilder streamed = new StringBuilder();
      int expectedIndex = 0;
      JsonNode finalMessage = null;
      for (JsonNode message : turn) {
        if (message.get("type").asText().equals("assistant_delta")) {
          assertEquals(expectedIndex, message.get("index").asInt(), "deltas arrive in order");
          expectedIndex += message.path("count").asInt(1);
          streamed.append(message.get("token").asText());
        } else if (message.get("type").asText().equals("assistant_message")) {
          finalMessage = message;
        }
      }
      assertNotNull(finalMessage);
      assertTrue(expectedIndex > 3, "the answer was streamed in several deltas");
      assertEquals(finalMessage.get("content").asText(), streamed.toString());
      assertTrue(streamed.toString().contains("explain this code please"), streamed::toString);
      assertTrue(finalMessage.get("seq").asLong() > accepted.get("seq").asLong());
    }

    ApiClient.Reply history = api.get("/api/v1/sessions/" + sessionId + "/history");
    assertEquals(200, history.status());
    assertEquals(2, history.body().get("message_count").asInt());
    assertEquals("user", history.body().get("messages").get(0).get("role").asText());
    assertEquals("assistant", history.body().get("messages").get(1).get("role").asText());
  }

  @Test
  void aRepeatedOperationIdStartsNoSecondTurn() {
    String sessionId = api.createSession();
    try (SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, null)) {
      socket.next("session_info");
      socket.send(Map.of("type", "user_message", "content", "hello", "operation_id", "same-op"));
      long seq = socket.next("message_accepted").get("seq").asLong();
      socket.untilType("turn_completed");

      socket.send(Map.of("type", "user_message", "content", "hello", "operation_id", "same-op"));
      JsonNode again = socket.next("message_accepted");
      assertEquals(seq, again.get("seq").asLong(), "the retry is acknowledged with the original seq");
      socket.expectNothing(Duration.ofMillis(500));
    }
    assertEquals(2, api.get("/api/v1/sessions/" + sessionId).body().get("message_count").asInt());
  }

  @Test
  void badInputGetsAnErrorAndTheSocketStaysOpen() {
    String sessionId = api.createSession();
    try (SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, null)) {
      socket.next("session_info");
      socket.sendText("{not json");
      assertEquals("invalid_json", socket.next("error").get("code").asText());
      socket.send(Map.of("type", "teleport"));
      assertEquals("unknown_type", socket.next("error").get("code").asText());
      socket.send(Map.of("type", "user_message"));
      JsonNode missing = socket.next("error");
      assertEquals("invalid_message", missing.get("code").asText());
      assertTrue(missing.get("content").asText().contains("content"));
      socket.sendText("{\"type\":\"user_message\",\"content\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}");
      assertEquals("invalid_message", socket.next("error").get("code").asText());

      socket.send(Map.of("type", "ping"));
      socket.next("pong");
      assertFalse(socket.closed);
    }
  }

  @Test
  void restErrorsUseTheContractFormat() {
    ApiClient anonymous = new ApiClient(node.httpPort());
    ApiClient.Reply unauthorized = anonymous.get("/api/v1/sessions");
    assertEquals(401, unauthorized.status());
    assertNotNull(unauthorized.body().get("trace_id"));

    ApiClient.Reply missing = api.get("/api/v1/sessions/00000000-0000-0000-0000-000000000000");
    assertEquals(404, missing.status());
    assertEquals("not_found", missing.body().get("code").asText());

    ApiClient.Reply malformed = api.postRaw("/api/v1/sessions", "{oops");
    assertEquals(400, malformed.status());
    assertEquals("validation_error", malformed.body().get("code").asText());

    ApiClient.Reply badAgent = api.post("/api/v1/sessions", Map.of("agent_type", "wizard"));
    assertEquals(400, badAgent.status());

    ApiClient.Reply badLimit = api.get("/api/v1/sessions?limit=abc");
    assertEquals(400, badLimit.status());

    ApiClient.Reply wrongPassword = anonymous.token("nobody-here", "wrong password 123");
    assertEquals(400, wrongPassword.status());
    assertEquals("invalid_grant", wrongPassword.body().get("error").asText());

    ApiClient.Reply notAForm = anonymous.postForm("/oauth/token", "grant_type=password&password=has a space");
    assertEquals(400, notAForm.status());
    assertEquals("invalid_request", notAForm.body().get("error").asText());
  }

  @Test
  void anotherUsersSessionIsNotFoundEverywhere() {
    String sessionId = api.createSession();
    ApiClient other = new ApiClient(node.httpPort()).loggedInAsNewUser();
    assertEquals(404, other.get("/api/v1/sessions/" + sessionId).status());
    assertEquals(404, other.get("/api/v1/sessions/" + sessionId + "/history").status());
    List<String> listed = new ArrayList<>();
    other.get("/api/v1/sessions").body().get("sessions").forEach(s -> listed.add(s.get("id").asText()));
    assertFalse(listed.contains(sessionId));
    assertEquals(404, SocketClient.handshakeStatus(node.httpPort(), sessionId, other.accessToken));
    assertEquals(401, SocketClient.handshakeStatus(node.httpPort(), sessionId, "not-a-token"));
  }

  @Test
  void sessionsAreListedNewestFirst() {
    ApiClient user = new ApiClient(node.httpPort()).loggedInAsNewUser();
    String first = user.createSession();
    String second = user.createSession();
    JsonNode page = user.get("/api/v1/sessions?limit=10&offset=0").body();
    assertEquals(2, page.get("total").asInt());
    assertEquals(second, page.get("sessions").get(0).get("id").asText());
    assertEquals(first, page.get("sessions").get(1).get("id").asText());
    assertEquals(200, user.get("/api/v1/me").status());
  }
}
