package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Agents as a user meets them, over REST and the WebSocket (PROTOCOL.md v1.1 "Agents"): a project's
 * starter team, a change that the next turn answers with, a rollback, an agent of one's own chosen by
 * id, and nothing of another user's.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentsTest {

  private static final Set<String> ROLES = Set.of("orchestrator", "coder", "architect", "debug", "ask");

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private ApiClient api;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of());
    api = running.api();
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aNewProjectHasItsStarterTeam() {
    Map<String, JsonNode> team = team(api, newProject(api));
    assertEquals(ROLES, team.keySet());
    for (JsonNode agent : team.values()) {
      assertEquals(1, agent.get("version").asInt());
      assertEquals("active", agent.get("status").asText());
      assertEquals("scripted", agent.get("model").get("name").asText(), "the node's default model");
      assertTrue(agent.get("model").get("context_window").asInt() > 0);
    }
    assertEquals(List.of("read_file", "list_files", "search_in_code"), texts(team.get("ask").get("tools")));
    List<String> coderApprovals = texts(team.get("coder").get("approval_policy").get("require_approval"));
    assertTrue(coderApprovals.contains("write_file") && coderApprovals.contains("execute_command") && !coderApprovals.contains("read_file"));
  }

  @Test
  void theNextTurnAnswersWithTheEditedVersionAndARollbackBringsTheOldOneBack() {
    String projectId = newProject(api);
    JsonNode coder = team(api, projectId).get("coder");
    String coderId = coder.get("id").asText();
    String originalPrompt = coder.get("system_prompt").asText();

    ApiClient.Reply edited = api.send("PATCH", "/api/v1/agents/" + coderId, Map.of("system_prompt", "You are Zed, a terse coder."));
    assertEquals(200, edited.status(), edited.body()::toString);
    assertEquals(2, edited.body().get("version").asInt());

    JsonNode session = api.post("/api/v1/sessions", Map.of("project_id", projectId, "agent_type", "coder")).body();
    assertEquals(coderId, session.get("agent_id").asText());
    String sessionId = session.get("id").asText();
    try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null)) {
      socket.next("session_info");
      TurnSeen zed = turn(socket, "show context");
      assertEquals(coderId, zed.started().get("agent_id").asText());
      assertEquals(2, zed.started().get("agent_version").asInt());
      assertEquals("scripted", zed.started().get("model").asText());
      assertTrue(zed.answer().contains("You are Zed, a terse coder."), zed.answer());

      ApiClient.Reply rolledBack = api.post("/api/v1/agents/" + coderId + "/rollback", Map.of("version", 1));
      assertEquals(200, rolledBack.status(), rolledBack.body()::toString);
      assertEquals(3, rolledBack.body().get("version").asInt());
      TurnSeen original = turn(socket, "show context");
      assertEquals(3, original.started().get("agent_version").asInt());
      assertTrue(original.answer().contains(originalPrompt), original.answer());
    }

    // the counters follow the turns (a projection of the session events: a moment later)
    JsonNode counters = Eventually.reads(() -> api.get("/api/v1/agents/" + coderId).body().get("counters"), c -> c.get("turns").asInt() == 2);
    assertTrue(counters.get("prompt_tokens").asInt() > 0 && counters.get("completion_tokens").asInt() > 0, counters::toString);
    assertFalse(counters.get("last_active").isNull());
    assertEquals(0, team(api, projectId).get("ask").get("counters").get("turns").asInt(), "only the agent that answered counts");

    JsonNode versions = api.get("/api/v1/agents/" + coderId + "/versions").body();
    assertEquals(3, versions.get("total").asInt());
    assertEquals(List.of(3, 2, 1), versions.get("versions").findValues("version").stream().map(JsonNode::asInt).toList());
    JsonNode third = api.get("/api/v1/agents/" + coderId + "/versions/3").body();
    assertEquals(1, third.get("rolled_back_from").asInt());
    assertEquals("You are Zed, a terse coder.", api.get("/api/v1/agents/" + coderId + "/versions/2").body().get("system_prompt").asText());
    assertEquals(404, api.get("/api/v1/agents/" + coderId + "/versions/4").status());
  }

  @Test
  void theApprovalPolicyOfTheAnsweringVersionDecidesWhatWaitsForAHuman() {
    String projectId = newProject(api);
    String coderId = team(api, projectId).get("coder").get("id").asText();
    String sessionId = api.post("/api/v1/sessions", Map.of("project_id", projectId, "agent_type", "coder")).body().get("id").asText();
    try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null)) {
      socket.next("session_info");
      socket.send(Map.of("type", "user_message", "content", "write_file notes.txt"));
      assertTrue(untilType(socket, "tool_call").get("requires_approval").asBoolean(), "the starter coder asks before writing");
      socket.send(Map.of("type", "cancel"));
      socket.untilType("turn_cancelled");

      api.send("PATCH", "/api/v1/agents/" + coderId, Map.of("approval_policy", Map.of("require_approval", List.of("execute_command"))));
      socket.send(Map.of("type", "user_message", "content", "write_file notes.txt"));
      JsonNode call = untilType(socket, "tool_call");
      assertFalse(call.get("requires_approval").asBoolean(), "version 2 writes without asking");
    }
  }

  @Test
  void anAgentOfOnesOwnIsChosenByIdAndNobodyElseCanUseIt() {
    String projectId = newProject(api);
    ApiClient.Reply bad = api.post("/api/v1/projects/" + projectId + "/agents",
        Map.of("name", "Reviewer", "role", "reviewer", "system_prompt", "You review.", "tools", List.of("read_file", "format_disk")));
    assertEquals(400, bad.status());
    assertTrue(bad.body().get("message").asText().contains("format_disk"), bad.body()::toString);

    ApiClient.Reply created = api.post("/api/v1/projects/" + projectId + "/agents",
        Map.of("name", "Reviewer", "role", "reviewer", "system_prompt", "You review code for bugs.", "tools", List.of("read_file", "write_file")));
    assertEquals(201, created.status(), created.body()::toString);
    String reviewerId = created.body().get("id").asText();
    assertEquals(List.of("write_file"), texts(created.body().get("approval_policy").get("require_approval")), "what changes the workspace asks by default");
    assertEquals(6, api.get("/api/v1/projects/" + projectId + "/agents").body().get("total").asInt());

    String sessionId = api.post("/api/v1/sessions", Map.of("project_id", projectId)).body().get("id").asText();
    try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null)) {
      socket.next("session_info");
      socket.send(Map.of("type", "switch_agent", "agent_id", reviewerId));
      JsonNode switched = socket.next("agent_switched");
      assertEquals("reviewer", switched.get("to_agent").asText());
      TurnSeen review = turn(socket, "show context");
      assertEquals(reviewerId, review.started().get("agent_id").asText());
      assertTrue(review.answer().contains("You review code for bugs."), review.answer());
    }
    assertEquals(reviewerId, api.get("/api/v1/sessions/" + sessionId).body().get("agent_id").asText());

    ApiClient other = new ApiClient(running.httpPort()).loggedInAsNewUser();
    assertEquals(404, other.get("/api/v1/agents/" + reviewerId).status());
    assertEquals(404, other.send("PATCH", "/api/v1/agents/" + reviewerId, Map.of("name", "Mine")).status());
    assertEquals(404, other.get("/api/v1/projects/" + projectId + "/agents").status());
    assertEquals(404, other.post("/api/v1/sessions", Map.of("agent_id", reviewerId)).status());
    String theirs = other.createSession();
    try (SocketClient socket = SocketClient.connect(running.httpPort(), theirs, other.accessToken, null)) {
      socket.next("session_info");
      socket.send(Map.of("type", "switch_agent", "agent_id", reviewerId));
      assertEquals("not_found", socket.next("error").get("code").asText());
    }
  }

  @Test
  void anArchivedAgentStaysReadableAndItsSessionsSayWhyTheyCannotGoOn() {
    String projectId = newProject(api);
    String reviewerId = api.post("/api/v1/projects/" + projectId + "/agents",
        Map.of("name", "Reviewer", "role", "reviewer", "system_prompt", "You review.")).body().get("id").asText();
    String sessionId = api.post("/api/v1/sessions", Map.of("project_id", projectId, "agent_id", reviewerId)).body().get("id").asText();

    ApiClient.Reply archived = api.send("DELETE", "/api/v1/agents/" + reviewerId, null);
    assertEquals(200, archived.status());
    assertEquals("archived", archived.body().get("status").asText());
    assertEquals("archived", api.get("/api/v1/agents/" + reviewerId).body().get("status").asText());
    assertEquals(409, api.send("PATCH", "/api/v1/agents/" + reviewerId, Map.of("name", "Again")).status());
    assertEquals(409, api.post("/api/v1/sessions", Map.of("project_id", projectId, "agent_id", reviewerId)).status());

    try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null)) {
      socket.next("session_info");
      socket.send(Map.of("type", "user_message", "content", "hello"));
      JsonNode failed = untilType(socket, "turn_failed");
      assertTrue(failed.get("error").asText().contains("archived"), failed::toString);
    }
  }

  private record TurnSeen(JsonNode started, String answer) {}

  private static TurnSeen turn(SocketClient socket, String content) {
    socket.send(Map.of("type", "user_message", "content", content));
    List<JsonNode> frames = socket.untilType("turn_completed");
    JsonNode started = frames.stream().filter(f -> f.get("type").asText().equals("turn_started")).findFirst().orElseThrow();
    String answer = frames.stream().filter(f -> f.get("type").asText().equals("assistant_message")).findFirst().orElseThrow().get("content").asText();
    return new TurnSeen(started, answer);
  }

  private static JsonNode untilType(SocketClient socket, String type) {
    List<JsonNode> frames = socket.untilType(type);
    return frames.get(frames.size() - 1);
  }

  private static String newProject(ApiClient api) {
    ApiClient.Reply created = api.post("/api/v1/projects", Map.of("name", "shop"));
    assertEquals(201, created.status(), created.body()::toString);
    return created.body().get("id").asText();
  }

  private static Map<String, JsonNode> team(ApiClient api, String projectId) {
    ApiClient.Reply listed = api.get("/api/v1/projects/" + projectId + "/agents");
    assertEquals(200, listed.status(), listed.body()::toString);
    Map<String, JsonNode> byRole = new HashMap<>();
    for (JsonNode agent : listed.body().get("agents")) byRole.put(agent.get("role").asText(), agent);
    return byRole;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return texts;
  }
}
