package codelab.platform;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The conversation a fixture journal records, played from outside over the public protocol, and
 * the answers the API gave for it afterwards (what a later release must still answer).
 */
record FixtureConversation(String username, String password, ObjectNode answers) {

  static final Map<String, Object> NODE_SETTINGS = Map.of(
      "codelab.session.approval-timeout", "2s",
      "codelab.session.tool-timeout", "2s",
      "codelab.session.snapshot-every", 10);

  static FixtureConversation play(TestDatabase database, Path dataDir) {
    Node node = Node.start(TestNode.config(database, dataDir, NODE_SETTINGS));
    try {
      ApiClient api = new ApiClient(node.httpPort()).loggedInAsNewUser();
      api.refresh(api.refreshToken);
      String projectId = api.post("/api/v1/projects", Map.of("name", "fixture project", "description", "written by the v1 code")).body().get("id").asText();
      api.send("PATCH", "/api/v1/projects/" + projectId, Map.of("description", "renamed once"));
      String sessionId = api.post("/api/v1/sessions", Map.of("project_id", projectId, "title", "fixture session", "agent_type", "coder")).body().get("id").asText();
      String otherSession = api.createSession();
      try (SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, null)) {
        socket.next("session_info");
        socket.send(Map.of("type", "user_message", "content", "hello there", "operation_id", "op-1"));
        socket.untilType("turn_completed");

        socket.send(Map.of("type", "user_message", "content", "please read_file src/Main.java"));
        String read = last(socket.untilType("tool_call")).get("call_id").asText();
        socket.send(Map.of("type", "tool_result", "call_id", read, "result", Map.of("content", "class Main {}")));
        socket.untilType("turn_completed");

        decide(socket, "write_file notes.txt", Map.of("type", "hitl_decision", "decision", "approve"));
        decide(socket, "write_file other.txt", Map.of("type", "hitl_decision", "decision", "edit", "modified_arguments", Map.of("path", "edited.txt", "content", "x")));
        decide(socket, "run rm -rf build", Map.of("type", "hitl_decision", "decision", "reject", "feedback", "not that"));

        // an approval nobody decides expires, and a tool call the IDE never answers times out
        socket.send(Map.of("type", "user_message", "content", "write_file late.txt"));
        socket.untilType("approval_required");
        socket.untilType("turn_completed");
        socket.send(Map.of("type", "user_message", "content", "list_files src"));
        socket.untilType("turn_completed");

        socket.send(Map.of("type", "switch_agent", "agent_type", "debug", "reason", "a bug"));
        socket.untilType("agent_switched");
        socket.send(Map.of("type", "user_message", "content", "read_file a.txt", "agent_type", "ask"));
        socket.untilType("tool_call");
        socket.send(Map.of("type", "cancel"));
        socket.untilType("turn_cancelled");
        socket.send(Map.of("type", "user_message", "content", "the last word"));
        socket.untilType("turn_completed");
      }
      api.post("/api/v1/auth/logout-all", Map.of());
      ApiClient again = new ApiClient(node.httpPort());
      again.username = api.username;
      again.password = api.password;
      again.accessToken = again.token(api.username, api.password).body().get("access_token").asText();
      return new FixtureConversation(api.username, api.password, answers(node, again, sessionId, otherSession, projectId));
    } finally {
      TestNode.stop(node);
    }
  }

  private static JsonNode last(List<JsonNode> messages) {
    return messages.get(messages.size() - 1);
  }

  /** A call that needs approval, decided over the socket; an approved one is run and answered as the IDE would. */
  private static void decide(SocketClient socket, String content, Map<String, Object> decision) {
    socket.send(Map.of("type", "user_message", "content", content));
    String callId = last(socket.untilType("approval_required")).get("call_id").asText();
    Map<String, Object> withCall = new java.util.HashMap<>(decision);
    withCall.put("call_id", callId);
    socket.send(withCall);
    if (!"reject".equals(decision.get("decision"))) {
      socket.until(m -> "tool_call".equals(m.path("type").asText()) && !m.path("requires_approval").asBoolean());
      socket.send(Map.of("type", "tool_result", "call_id", callId, "result", Map.of("written", true)));
    }
    socket.untilType("turn_completed");
  }

  private static ObjectNode answers(Node node, ApiClient api, String sessionId, String otherSession, String projectId) {
    ObjectNode answers = ApiClient.JSON.createObjectNode();
    answers.put("session_id", sessionId);
    answers.put("other_session_id", otherSession);
    answers.put("project_id", projectId);
    answers.set("me", api.get("/api/v1/me").body());
    answers.set("sessions", api.get("/api/v1/sessions").body());
    answers.set("session", api.get("/api/v1/sessions/" + sessionId).body());
    answers.set("history", api.get("/api/v1/sessions/" + sessionId + "/history").body());
    answers.set("pending_approvals", api.get("/api/v1/sessions/" + sessionId + "/pending-approvals").body());
    answers.set("projects", api.get("/api/v1/projects").body());
    answers.set("project", api.get("/api/v1/projects/" + projectId).body());
    answers.set("project_sessions", api.get("/api/v1/projects/" + projectId + "/sessions").body());
    answers.set("replay", replay(node, api, sessionId));
    return answers;
  }

  /** Everything a client resuming from the start is sent, up to the session's last seq. */
  static ArrayNode replay(Node node, ApiClient api, String sessionId) {
    ArrayNode messages = ApiClient.JSON.createArrayNode();
    try (SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, "after_seq=0")) {
      JsonNode info = socket.next("session_info");
      long lastSeq = info.get("last_seq").asLong();
      messages.add(info);
      while (true) {
        JsonNode message = socket.next();
        messages.add(message);
        if (message.path("seq").asLong() == lastSeq) break;
      }
      socket.expectNothing(Duration.ofMillis(300));
    }
    return messages;
  }
}
