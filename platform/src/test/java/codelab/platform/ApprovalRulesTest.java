package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
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
 * Remembered approvals as a user meets them (PROTOCOL.md v1.1 "Approvals across sessions"), over the
 * WebSocket and REST, with the scripted model asking for tools: a rule approves at once, with its id,
 * exactly the calls it covers in its scope, and nothing once it is deleted or expired; another user
 * sees none of it.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalRulesTest {

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
  void aSessionRuleMadeOverTheSocketApprovesWhatItCoversAndNothingElse() {
    String projectId = newProject(api);
    String sessionId = newSession(api, projectId);
    String ruleId;
    try (SocketClient socket = open(sessionId)) {
      JsonNode first = approvalFor(socket, "write_file docs/intro.md");
      socket.send(Map.of("type", "hitl_decision", "call_id", callId(first), "decision", "approve",
          "remember", remember("session", "PT1H", Map.of("tool_name", "write_file", "path_prefix", "docs"))));
      JsonNode decided = socket.next("approval_resolved");
      assertFalse(decided.has("rule_id"), "the person decided this one: " + decided);
      finish(socket, socket.next("tool_call"));

      JsonNode rule = onlyRule(api, projectId);
      ruleId = rule.get("id").asText();
      assertEquals("session", rule.get("scope").asText());
      assertEquals(Map.of("tool_name", "write_file", "path_prefix", "docs"), ApiClient.JSON.convertValue(rule.get("match"), Map.class));
      assertEquals(sessionId, rule.get("session_id").asText());
      assertEquals(callId(first), rule.get("call_id").asText());
      assertEquals(Duration.ofHours(1), Duration.between(instant(rule, "created_at"), instant(rule, "expires_at")));

      approvedByRule(socket, approvalFor(socket, "write_file docs/a.md"), ruleId);
      approvedByRule(socket, approvalFor(socket, "write_file ./docs//deep/b.md"), ruleId);
      waitsForAPerson(socket, sessionId, approvalFor(socket, "write_file src/a.java"));
      waitsForAPerson(socket, sessionId, approvalFor(socket, "write_file docs/../src/x"));
      waitsForAPerson(socket, sessionId, approvalFor(socket, "write_file docsfoo/x.md"));
    }
    // the journal says which rule let each call through: a client replaying the session sees it
    List<String> replayedRules = new ArrayList<>();
    for (JsonNode message : replay(sessionId)) {
      if (message.path("type").asText().equals("approval_resolved") && message.has("rule_id")) replayedRules.add(message.get("rule_id").asText());
    }
    assertEquals(List.of(ruleId, ruleId), replayedRules);
  }

  @Test
  void aProjectRuleMadeOverRestAppliesInTheProjectsOtherSessionsUntilItIsDeleted() {
    String projectId = newProject(api);
    String sessionId = newSession(api, projectId);
    String sibling = newSession(api, projectId);
    String elsewhere = newSession(api, newProject(api));
    String ruleId;
    try (SocketClient socket = open(sessionId)) {
      JsonNode approval = approvalFor(socket, "write_file docs/plan.md");
      ApiClient.Reply decided = api.post("/api/v1/sessions/" + sessionId + "/approvals/" + callId(approval), Map.of("decision", "approve",
          "remember", remember("project", "PT30M", Map.of("tool_name", "write_file", "path_prefix", "docs"))));
      assertEquals(200, decided.status(), decided.body()::toString);
      assertEquals("approve", decided.body().get("decision").asText());
      JsonNode rule = decided.body().get("rule");
      ruleId = rule.get("id").asText();
      assertEquals("project", rule.get("scope").asText());
      assertEquals(projectId, rule.get("project_id").asText());
      assertEquals(rule, onlyRule(api, projectId));
      socket.next("approval_resolved");
      finish(socket, socket.next("tool_call"));
    }
    try (SocketClient socket = open(sibling)) {
      approvedByRule(socket, approvalFor(socket, "write_file docs/more.md"), ruleId);
    }
    try (SocketClient socket = open(elsewhere)) {
      waitsForAPerson(socket, elsewhere, approvalFor(socket, "write_file docs/more.md"));
    }

    assertEquals(204, api.send("DELETE", "/api/v1/approval-rules/" + ruleId, null).status());
    assertEquals(404, api.send("DELETE", "/api/v1/approval-rules/" + ruleId, null).status());
    assertEquals(0, rules(api, projectId).get("total").asInt());
    try (SocketClient socket = open(sibling)) {
      waitsForAPerson(socket, sibling, approvalFor(socket, "write_file docs/after.md"));
    }
  }

  @Test
  void aCommandRuleApprovesTheCommandAndItsWordsButNothingChainedToIt() {
    String sessionId = newSession(api, newProject(api));
    try (SocketClient socket = open(sessionId)) {
      JsonNode first = approvalFor(socket, "run npm test");
      socket.send(Map.of("type", "hitl_decision", "call_id", callId(first), "decision", "approve",
          "remember", remember("session", "PT1H", Map.of("tool_name", "execute_command", "command_prefix", "npm test"))));
      socket.next("approval_resolved");
      finish(socket, socket.next("tool_call"));
      String ruleId = onlyRule(api, api.get("/api/v1/sessions/" + sessionId).body().get("project_id").asText()).get("id").asText();

      approvedByRule(socket, approvalFor(socket, "run npm test --watch=false"), ruleId);
      waitsForAPerson(socket, sessionId, approvalFor(socket, "run npm test; rm -rf /"));
      waitsForAPerson(socket, sessionId, approvalFor(socket, "run npm testing"));
    }
  }

  @Test
  void anExpiredRuleApprovesNothing() throws InterruptedException {
    String projectId = newProject(api);
    String sessionId = newSession(api, projectId);
    try (SocketClient socket = open(sessionId)) {
      JsonNode approval = approvalFor(socket, "write_file docs/soon.md");
      ApiClient.Reply decided = api.post("/api/v1/sessions/" + sessionId + "/approvals/" + callId(approval), Map.of("decision", "approve",
          "remember", remember("project", "PT2S", Map.of("tool_name", "write_file"))));
      assertEquals(200, decided.status(), decided.body()::toString);
      socket.next("approval_resolved");
      finish(socket, socket.next("tool_call"));

      Instant expiresAt = instant(decided.body().get("rule"), "expires_at");
      Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 500);
      waitsForAPerson(socket, sessionId, approvalFor(socket, "write_file docs/later.md"));
      assertEquals(0, rules(api, projectId).get("total").asInt(), "an expired rule is not listed");
      assertEquals(404, api.send("DELETE", "/api/v1/approval-rules/" + decided.body().get("rule").get("id").asText(), null).status());
    }
  }

  @Test
  void aRuleThatWouldNotBeSafeOrThatIsNotTheCallersIsRefused() {
    String projectId = newProject(api);
    String sessionId = newSession(api, projectId);
    try (SocketClient socket = open(sessionId)) {
      JsonNode approval = approvalFor(socket, "write_file docs/a.md");
      String path = "/api/v1/sessions/" + sessionId + "/approvals/" + callId(approval);
      Map<String, Object> docs = Map.of("tool_name", "write_file", "path_prefix", "docs");
      assertRefused(api.post(path, Map.of("decision", "approve", "remember", remember("session", "PT1H",
          Map.of("tool_name", "write_file", "path_prefix", "src")))), "must cover the call");
      assertRefused(api.post(path, Map.of("decision", "approve", "remember", remember("session", "PT1H",
          Map.of("tool_name", "delete_file", "path_prefix", "docs")))), "must cover the call");
      assertRefused(api.post(path, Map.of("decision", "approve", "remember", remember("session", "P31D", docs))), "at most");
      assertRefused(api.post(path, Map.of("decision", "approve", "remember", remember("session", "soon", docs))), "ISO-8601");
      assertRefused(api.post(path, Map.of("decision", "approve", "remember", remember("session", "-PT1H", docs))), "positive");
      assertRefused(api.post(path, Map.of("decision", "approve", "remember", remember("forever", "PT1H", docs))), "session or project");
      assertRefused(api.post(path, Map.of("decision", "reject", "remember", remember("session", "PT1H", docs))), "only an approval");
      assertRefused(api.post(path, Map.of("decision", "approve", "remember", remember("session", "PT1H",
          Map.of("tool_name", "write_file", "path_prefix", 7)))), "path_prefix must be a string");
      assertRefused(api.post(path, Map.of("decision", "approve", "remember", remember("session", "PT1H",
          Map.of("tool_name", "write_file", "path_prefix", "")))), "leave it out");
      assertRefused(api.post(path, Map.of("decision", "approve", "remember", "always")), "remember must be an object");

      socket.send(Map.of("type", "hitl_decision", "call_id", callId(approval), "decision", "approve",
          "remember", remember("session", "PT1H", Map.of("tool_name", "write_file", "path_prefix", "../docs"))));
      JsonNode error = socket.next("error");
      assertEquals("invalid_message", error.get("code").asText());
      assertTrue(error.get("content").asText().contains("no '..'"), error::toString);

      ApiClient stranger = new ApiClient(running.httpPort()).loggedInAsNewUser();
      assertEquals(404, stranger.post(path, Map.of("decision", "approve", "remember", remember("session", "PT1H", docs))).status());
      assertEquals(1, api.get("/api/v1/sessions/" + sessionId + "/pending-approvals").body().get("count").asInt(), "nothing was decided");
      assertEquals(0, rules(api, projectId).get("total").asInt(), "and no rule made");

      ApiClient.Reply decided = api.post(path, Map.of("decision", "approve", "remember", remember("session", "PT1H", docs)));
      assertEquals(200, decided.status(), decided.body()::toString);
      String ruleId = decided.body().get("rule").get("id").asText();
      assertEquals(404, stranger.get("/api/v1/projects/" + projectId + "/approval-rules").status());
      assertEquals(404, stranger.send("DELETE", "/api/v1/approval-rules/" + ruleId, null).status());
      assertEquals(ruleId, onlyRule(api, projectId).get("id").asText(), "the stranger's delete deleted nothing");
      assertEquals(404, api.send("DELETE", "/api/v1/approval-rules/not-a-rule", null).status());
      assertEquals(409, api.post(path, Map.of("decision", "approve", "remember", remember("session", "PT1H", docs))).status(),
          "decided already: and the rule that decision would have made is not made");
      assertEquals(1, rules(api, projectId).get("total").asInt());
      socket.next("approval_resolved");
      finish(socket, socket.next("tool_call"));
    }
  }

  // ---------------------------------------------------------------- a user's steps

  private static Map<String, Object> remember(String scope, String ttl, Object match) {
    return Map.of("scope", scope, "ttl", ttl, "match", match);
  }

  /** Asks the scripted model for a call that needs approval; its approval_required. */
  private static JsonNode approvalFor(SocketClient socket, String message) {
    socket.send(Map.of("type", "user_message", "content", message));
    List<JsonNode> messages = socket.untilType("approval_required");
    return messages.get(messages.size() - 1);
  }

  /** Approved at once: approval_resolved with the rule's id, then the call released to the IDE, which runs it. */
  private static void approvedByRule(SocketClient socket, JsonNode approval, String ruleId) {
    JsonNode resolved = socket.next("approval_resolved");
    assertEquals(callId(approval), callId(resolved));
    assertEquals("approve", resolved.get("decision").asText());
    assertEquals(ruleId, resolved.path("rule_id").asText(), resolved::toString);
    finish(socket, socket.next("tool_call"));
  }

  /** No rule approves it: nothing comes, the call waits for a person; rejected, to end the turn. */
  private void waitsForAPerson(SocketClient socket, String sessionId, JsonNode approval) {
    socket.expectNothing(Duration.ofSeconds(1));
    JsonNode pending = api.get("/api/v1/sessions/" + sessionId + "/pending-approvals").body();
    assertEquals(List.of(callId(approval)), pending.findValuesAsText("call_id"));
    socket.send(Map.of("type", "hitl_decision", "call_id", callId(approval), "decision", "reject"));
    assertFalse(socket.next("approval_resolved").has("rule_id"));
    socket.untilType("turn_completed");
  }

  /** The IDE runs a released call and the turn ends. */
  private static void finish(SocketClient socket, JsonNode released) {
    assertFalse(released.get("requires_approval").asBoolean(), released::toString);
    socket.send(Map.of("type", "tool_result", "call_id", callId(released), "result", Map.of("ok", true)));
    socket.untilType("turn_completed");
  }

  private static void assertRefused(ApiClient.Reply reply, String why) {
    assertEquals(400, reply.status(), () -> String.valueOf(reply.body()));
    assertTrue(reply.body().get("message").asText().contains(why), () -> why + " in " + reply.body());
  }

  // ---------------------------------------------------------------- REST and sockets

  private SocketClient open(String sessionId) {
    SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null);
    socket.next("session_info");
    return socket;
  }

  /** Every persisted message of the session, replayed from its start. */
  private List<JsonNode> replay(String sessionId) {
    try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, "after_seq=0")) {
      long lastSeq = socket.next("session_info").get("last_seq").asLong();
      return socket.until(m -> m.path("seq").asLong() == lastSeq);
    }
  }

  private static String newProject(ApiClient api) {
    ApiClient.Reply created = api.post("/api/v1/projects", Map.of("name", "rules"));
    assertEquals(201, created.status(), created.body()::toString);
    return created.body().get("id").asText();
  }

  private static String newSession(ApiClient api, String projectId) {
    ApiClient.Reply created = api.post("/api/v1/sessions", Map.of("project_id", projectId));
    assertEquals(201, created.status(), created.body()::toString);
    return created.body().get("id").asText();
  }

  private static JsonNode rules(ApiClient api, String projectId) {
    ApiClient.Reply listed = api.get("/api/v1/projects/" + projectId + "/approval-rules");
    assertEquals(200, listed.status(), () -> String.valueOf(listed.body()));
    return listed.body();
  }

  private static JsonNode onlyRule(ApiClient api, String projectId) {
    JsonNode listed = rules(api, projectId);
    assertEquals(1, listed.get("total").asInt(), listed::toString);
    assertEquals(50, listed.get("limit").asInt());
    return listed.get("approval_rules").get(0);
  }

  private static String callId(JsonNode message) {
    return message.get("call_id").asText();
  }

  private static Instant instant(JsonNode body, String field) {
    return Instant.parse(body.get(field).asText());
  }
}
