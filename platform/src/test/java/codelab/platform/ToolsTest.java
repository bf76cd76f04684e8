package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** Tool calls that run in the IDE and approvals, driven from outside as an IDE would, with the scripted model. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolsTest {

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private Node node;
  private ApiClient api;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of());
    node = running.node();
    api = running.api();
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aReadRunsInTheIdeAndTheModelAnswersWithItsResult() {
    String sessionId = api.createSession();
    try (SocketClient socket = open(sessionId)) {
      socket.send(Map.of("type", "user_message", "content", "please read_file src/Main.java"));
      JsonNode call = untilType(socket, "tool_call");
      assertEquals("read_file", call.get("tool_name").asText());
      assertEquals("src/Main.java", call.get("arguments").get("path").asText());
      assertFalse(call.get("requires_approval").asBoolean());

      socket.send(Map.of("type", "tool_result", "call_id", call.get("call_id").asText(), "result", Map.of("content", "class Main {}")));
      assertEquals(call.get("call_id").asText(), socket.next("tool_result_recorded").get("call_id").asText());
      List<JsonNode> rest = socket.untilType("turn_completed");
      JsonNode answer = rest.get(rest.size() - 2);
      assertTrue(answer.get("content").asText().contains("class Main {}"), answer::toString);

      socket.send(Map.of("type", "tool_result", "call_id", call.get("call_id").asText(), "result", Map.of()));
      assertEquals("conflict", socket.next("error").get("code").asText());
    }
    JsonNode history = api.get("/api/v1/sessions/" + sessionId + "/history").body();
    assertEquals(List.of("user", "assistant", "tool", "assistant"), roles(history));
  }

  @Test
  void aWriteWaitsForApprovalOverRestThenRunsOnce() {
    String sessionId = api.createSession();
    try (SocketClient socket = open(sessionId)) {
      socket.send(Map.of("type", "user_message", "content", "write_file notes.txt"));
      JsonNode announced = untilType(socket, "tool_call");
      assertTrue(announced.get("requires_approval").asBoolean());
      JsonNode approval = socket.next("approval_required");
      String callId = approval.get("call_id").asText();
      assertTrue(approval.get("reason").asText().contains("write_file"));

      JsonNode pending = api.get("/api/v1/sessions/" + sessionId + "/pending-approvals").body();
      assertEquals(1, pending.get("count").asInt());
      assertEquals(callId, pending.get("pending_approvals").get(0).get("call_id").asText());
      assertEquals("notes.txt", pending.get("pending_approvals").get(0).get("arguments").get("path").asText());

      ApiClient.Reply approved = api.post("/api/v1/sessions/" + sessionId + "/approvals/" + callId, Map.of("decision", "approve"));
      assertEquals(200, approved.status());
      assertEquals("approve", approved.body().get("decision").asText());
      assertEquals(409, api.post("/api/v1/sessions/" + sessionId + "/approvals/" + callId, Map.of("decision", "reject")).status());
      assertEquals(404, api.post("/api/v1/sessions/" + sessionId + "/approvals/nope", Map.of("decision", "approve")).status());
      assertEquals(400, api.post("/api/v1/sessions/" + sessionId + "/approvals/" + callId, Map.of("decision", "perhaps")).status());

      assertEquals("approve", socket.next("approval_resolved").get("decision").asText());
      JsonNode released = socket.next("tool_call");
      assertFalse(released.get("requires_approval").asBoolean());
      assertEquals(callId, released.get("call_id").asText());
      socket.send(Map.of("type", "tool_result", "call_id", callId, "result", Map.of("written", true)));
      socket.untilType("turn_completed");
    }
    assertEquals(0, api.get("/api/v1/sessions/" + sessionId + "/pending-approvals").body().get("count").asInt());
  }

  @Test
  void aRejectionOverTheSocketReachesTheModelAndCancelEndsAWaitingTurn() {
    String sessionId = api.createSession();
    try (SocketClient socket = open(sessionId)) {
      socket.send(Map.of("type", "user_message", "content", "run rm -rf build"));
      untilType(socket, "tool_call");
      String callId = socket.next("approval_required").get("call_id").asText();
      socket.send(Map.of("type", "hitl_decision", "call_id", callId, "decision", "reject", "feedback", "not now"));
      JsonNode resolved = socket.next("approval_resolved");
      assertEquals("reject", resolved.get("decision").asText());
      assertEquals("not now", resolved.get("feedback").asText());
      List<JsonNode> rest = socket.untilType("turn_completed");
      assertTrue(rest.get(rest.size() - 2).get("content").asText().contains("not now"), rest::toString);

      socket.send(Map.of("type", "user_message", "content", "write_file a.txt"));
      untilType(socket, "approval_required");
      socket.send(Map.of("type", "cancel"));
      assertEquals("reject", socket.next("approval_resolved").get("decision").asText());
      socket.next("turn_cancelled");
      socket.send(Map.of("type", "cancel"));
      assertEquals("conflict", socket.next("error").get("code").asText());
      socket.send(Map.of("type", "hitl_decision", "call_id", callId));
      assertEquals("invalid_message", socket.next("error").get("code").asText());
    }
  }

  @Test
  void aToolResultADecisionAndACancelRetriedWithTheirOperationIdAreNotConflicts() {
    String sessionId = api.createSession();
    try (SocketClient socket = open(sessionId)) {
      socket.send(Map.of("type", "user_message", "content", "write_file a.txt"));
      String callId = untilType(socket, "approval_required").get("call_id").asText();
      Map<String, Object> approve = Map.of("type", "hitl_decision", "call_id", callId, "decision", "approve", "operation_id", "op-d");
      socket.send(approve);
      socket.next("approval_resolved");
      socket.next("tool_call");
      socket.send(approve);
      assertNoErrorFor(socket, "the retried decision");

      Map<String, Object> result = Map.of("type", "tool_result", "call_id", callId, "result", Map.of("written", true), "operation_id", "op-r");
      socket.send(result);
      socket.untilType("turn_completed");
      socket.send(result);
      assertNoErrorFor(socket, "the retried tool result");

      socket.send(Map.of("type", "user_message", "content", "write_file b.txt"));
      untilType(socket, "approval_required");
      socket.send(Map.of("type", "cancel", "operation_id", "op-c"));
      socket.untilType("turn_cancelled");
      socket.send(Map.of("type", "cancel", "operation_id", "op-c"));
      assertNoErrorFor(socket, "the retried cancel");
      socket.send(Map.of("type", "cancel", "operation_id", "op-other"));
      assertEquals("conflict", socket.next("error").get("code").asText(), "a new cancel with no turn running is still a conflict");
    }
  }

  /** A ping's pong is the next message: nothing (no error) answered the message sent before it. */
  private static void assertNoErrorFor(SocketClient socket, String what) {
    socket.send(Map.of("type", "ping"));
    JsonNode next = socket.next();
    assertEquals("pong", next.path("type").asText(), () -> what + " was answered with " + next);
  }

  private SocketClient open(String sessionId) {
    SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, null);
    socket.next("session_info");
    return socket;
  }

  private static JsonNode untilType(SocketClient socket, String type) {
    List<JsonNode> messages = socket.untilType(type);
    return messages.get(messages.size() - 1);
  }

  private static List<String> roles(JsonNode history) {
    List<String> roles = new java.util.ArrayList<>();
    history.get("messages").forEach(m -> roles.add(m.get("role").asText()));
    return roles;
  }
}
