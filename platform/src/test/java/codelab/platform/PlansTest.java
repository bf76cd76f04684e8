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
import java.util.HashMap;
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
 * Orchestrated plans as a user meets them over the WebSocket and REST (PROTOCOL.md v1.1 "Orchestrated
 * plans"), with the scripted model proposing the plan its "plan:" message describes: the plan waits
 * for a person, its tasks stream side by side with their task_id, a task's call is decided over REST
 * and run over the socket, and the orchestrator sums up.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlansTest {

  static final String DIAMOND = "plan: A: outline the module in a few words; B: write the left half after A; "
      + "C: write the right half after A; D: join both halves after B and C";

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private ApiClient api;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    // a paced model (20 ms a token), so that tasks take long enough to overlap or not
    running = RunningNode.start(databaseKind, Map.of("codelab.scripted-model.token-delay-ms", 20));
    api = running.api();
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aDiamondPlanIsApprovedRunsItsMiddleTasksSideBySideAndIsSummedUp() {
    String sessionId = newSession();
    try (SocketClient socket = open(sessionId)) {
      JsonNode approval = proposePlan(socket, DIAMOND);
      assertEquals(4, approval.get("arguments").get("tasks").size());
      Instant approved = Instant.now();
      socket.send(Map.of("type", "hitl_decision", "call_id", approval.get("call_id").asText(), "decision", "approve"));

      List<JsonNode> frames = socket.until(m -> m.path("type").asText().equals("turn_completed") && !m.has("task_id"));
      List<String> course = new ArrayList<>();
      Map<String, StringBuilder> streamed = new HashMap<>();
      Instant planCompleted = null;
      for (JsonNode frame : frames) {
        String type = frame.path("type").asText();
        if (frame.has("task_id") && type.equals("assistant_delta")) {
          streamed.computeIfAbsent(frame.get("task_id").asText(), k -> new StringBuilder()).append(frame.get("token").asText());
        } else if (type.startsWith("task_") || type.startsWith("plan_")) {
          course.add(type + (frame.has("task_id") ? " " + frame.get("task_id").asText() : ""));
          assertTrue(frame.get("seq").asLong() > 0, "each plan frame has its seq: " + frame);
          if (type.equals("plan_completed")) planCompleted = Instant.now();
        }
      }
      assertEquals("plan_started", course.get(0));
      assertEquals(List.of("task_started A", "task_completed A"), course.subList(1, 3));
      List<String> middle = course.subList(3, 7);
      assertTrue(middle.subList(0, 2).containsAll(List.of("task_started B", "task_started C")),
          "B and C both start before either completes: " + course);
      assertEquals(List.of("task_started D", "task_completed D", "plan_completed"), course.subList(7, 10));
      assertEquals(4, streamed.size(), "every task's deltas reached the parent's client with its task_id: " + streamed.keySet());

      JsonNode plan = onlyPlan(sessionId);
      assertEquals("completed", plan.get("status").asText());
      long sumOfTasks = 0;
      Map<String, Long> took = new HashMap<>();
      for (JsonNode task : plan.get("tasks")) {
        assertEquals("completed", task.get("status").asText(), task::toString);
        assertEquals(streamed.get(task.get("task_id").asText()).toString(), task.get("result").asText(), "what streamed is the task's result");
        long millis = Duration.between(Instant.parse(task.get("started_at").asText()), Instant.parse(task.get("ended_at").asText())).toMillis();
        took.put(task.get("task_id").asText(), millis);
        sumOfTasks += millis;
        // each task's own session is the owner's to read
        JsonNode history = api.get("/api/v1/sessions/" + task.get("session_id").asText() + "/history").body();
        assertEquals(2, history.get("messages").size(), history::toString);
      }
      JsonNode answer = frames.get(frames.size() - 2);
      assertEquals("assistant_message", answer.get("type").asText());
      assertFalse(answer.has("task_id"));
      assertTrue(answer.get("content").asText().contains("create_plan call returned"), answer::toString);
      long wall = Duration.between(approved, planCompleted).toMillis();
      long criticalPath = took.get("A") + Math.max(took.get("B"), took.get("C")) + took.get("D");
      System.out.printf("[plans] %s diamond plan: approval to plan_completed %d ms; task times %s, sum %d ms (%.2fx the wall time);"
          + " critical path A+max(B,C)+D %d ms (%d ms between tasks and around them)%n",
          databaseKind, wall, took, sumOfTasks, (double) sumOfTasks / wall, criticalPath, wall - criticalPath);
      assertEquals(plan, api.get("/api/v1/plans/" + plan.get("plan_id").asText()).body(), "GET /plans/{id} is the same plan");
    }
  }

  @Test
  void aTasksWriteIsApprovedOverRestWithItsTaskIdAndRunByTheIdeOverTheSocket() {
    String sessionId = newSession();
    try (SocketClient socket = open(sessionId)) {
      JsonNode approval = proposePlan(socket, "plan: W: write_file notes.md");
      ApiClient.Reply planApproved =
          api.post("/api/v1/sessions/" + sessionId + "/approvals/" + approval.get("call_id").asText(), Map.of("decision", "approve"));
      assertEquals(200, planApproved.status(), planApproved.body()::toString);

      JsonNode write = socket.until(m -> m.path("type").asText().equals("approval_required") && m.has("task_id")).stream()
          .reduce((a, b) -> b).orElseThrow();
      assertEquals("W", write.get("task_id").asText());
      assertEquals("write_file", write.get("tool_name").asText());
      assertTrue(write.has("task_seq") && !write.has("seq"), "a task's frame keeps its own seq apart: " + write);

      String callId = write.get("call_id").asText();
      assertEquals(404, api.post("/api/v1/sessions/" + sessionId + "/approvals/" + callId,
          Map.of("decision", "approve", "task_id", "nope")).status(), "a task the plans do not have");
      ApiClient.Reply decided = api.post("/api/v1/sessions/" + sessionId + "/approvals/" + callId, Map.of("decision", "approve", "task_id", "W"));
      assertEquals(200, decided.status(), decided.body()::toString);

      JsonNode released = socket.until(m -> m.path("type").asText().equals("tool_call") && m.has("task_id")
          && !m.get("requires_approval").asBoolean()).stream().reduce((a, b) -> b).orElseThrow();
      assertEquals(callId, released.get("call_id").asText());
      // the IDE answers as for any call; the connection knows which task's session asked
      socket.send(Map.of("type", "tool_result", "call_id", callId, "result", Map.of("written", true)));
      List<JsonNode> rest = socket.until(m -> m.path("type").asText().equals("turn_completed") && !m.has("task_id"));
      assertTrue(rest.stream().anyMatch(m -> m.path("type").asText().equals("task_completed")), rest::toString);
      assertTrue(rest.stream().noneMatch(m -> m.path("type").asText().equals("error")), rest::toString);
    }
    assertEquals("completed", onlyPlan(sessionId).get("tasks").get(0).get("status").asText());
  }

  @Test
  void aRejectedPlanRunsNothing() {
    String sessionId = newSession();
    try (SocketClient socket = open(sessionId)) {
      JsonNode approval = proposePlan(socket, DIAMOND);
      socket.send(Map.of("type", "hitl_decision", "call_id", approval.get("call_id").asText(), "decision", "reject", "feedback", "not now"));
      List<JsonNode> rest = socket.untilType("turn_completed");
      assertTrue(rest.stream().noneMatch(m -> m.path("type").asText().startsWith("task_") || m.path("type").asText().startsWith("plan_")));
      String answer = rest.stream().filter(m -> m.path("type").asText().equals("assistant_message")).findFirst().orElseThrow().get("content").asText();
      assertTrue(answer.contains("rejected") && answer.contains("not now"), answer);
    }
    assertEquals(0, api.get("/api/v1/sessions/" + sessionId + "/plans").body().get("plans").size());
  }

  @Test
  void anEditedPlanIsCheckedAsTheModelsIsAndRunsAsEdited() {
    String sessionId = newSession();
    try (SocketClient socket = open(sessionId)) {
      JsonNode approval = proposePlan(socket, DIAMOND);
      String path = "/api/v1/sessions/" + sessionId + "/approvals/" + approval.get("call_id").asText();
      Map<String, Object> cycle = Map.of("tasks", List.of(
          Map.of("task_id", "x", "agent_role", "coder", "instructions", "x", "depends_on", List.of("y")),
          Map.of("task_id", "y", "agent_role", "coder", "instructions", "y", "depends_on", List.of("x"))));
      ApiClient.Reply refused = api.post(path, Map.of("decision", "edit", "modified_arguments", cycle));
      assertEquals(400, refused.status(), refused.body()::toString);

      Map<String, Object> one = Map.of("tasks", List.of(Map.of("task_id", "only", "agent_role", "ask", "instructions", "say hello")));
      assertEquals(200, api.post(path, Map.of("decision", "edit", "modified_arguments", one)).status());
      List<JsonNode> rest = socket.until(m -> m.path("type").asText().equals("turn_completed") && !m.has("task_id"));
      JsonNode started = rest.stream().filter(m -> m.path("type").asText().equals("plan_started")).findFirst().orElseThrow();
      assertEquals(1, started.get("tasks").size());
      assertEquals("ask", started.get("tasks").get(0).get("agent_role").asText());
    }
    assertEquals("only", onlyPlan(sessionId).get("tasks").get(0).get("task_id").asText());
  }

  @Test
  void cancellingMidPlanStopsEveryRunningTask() {
    String sessionId = newSession();
    String longTask = "plan: L: " + "count these words slowly ".repeat(40) + "; M: then more after L";
    try (SocketClient socket = open(sessionId)) {
      JsonNode approval = proposePlan(socket, longTask);
      socket.send(Map.of("type", "hitl_decision", "call_id", approval.get("call_id").asText(), "decision", "approve"));
      JsonNode started = socket.untilType("task_started").stream().reduce((a, b) -> b).orElseThrow();
      socket.send(Map.of("type", "cancel"));
      List<JsonNode> rest = socket.until(m -> m.path("type").asText().equals("turn_cancelled") && !m.has("task_id"));
      assertTrue(rest.stream().anyMatch(m -> m.path("type").asText().equals("plan_completed")), rest::toString);
      JsonNode plan = onlyPlan(sessionId);
      for (JsonNode task : plan.get("tasks")) assertEquals("the plan was cancelled", task.get("error").asText(), plan::toString);
      String taskSession = started.get("session_id").asText();
      // the task was stopped in its own session (its turn cancelled, or its message dropped before its agent answered):
      // long after it would have finished, it has no answer
      NodeProcess.sleep(Duration.ofSeconds(5));
      JsonNode history = api.get("/api/v1/sessions/" + taskSession + "/history").body();
      for (JsonNode message : history.get("messages")) assertEquals("user", message.get("role").asText(), history::toString);
    }
  }

  @Test
  void aTaskSessionTakesNoMessagesFromPeople() {
    String sessionId = newSession();
    try (SocketClient socket = open(sessionId)) {
      JsonNode approval = proposePlan(socket, "plan: A: say hi");
      socket.send(Map.of("type", "hitl_decision", "call_id", approval.get("call_id").asText(), "decision", "approve"));
      socket.until(m -> m.path("type").asText().equals("turn_completed") && !m.has("task_id"));
    }
    String taskSession = onlyPlan(sessionId).get("tasks").get(0).get("session_id").asText();
    ApiClient.Reply refused = api.post("/api/v1/sessions/" + taskSession + "/messages", Map.of("content", "more", "mode", "orchestrated"));
    assertEquals(409, refused.status(), refused.body()::toString);
    assertEquals(400, api.post("/api/v1/sessions/" + sessionId + "/messages", Map.of("content", "x", "mode", "sideways")).status());
  }

  // ---------------------------------------------------------------- a user's steps

  /** An orchestrated message; the plan's create_plan call waits for approval: its approval_required. */
  private static JsonNode proposePlan(SocketClient socket, String message) {
    socket.send(Map.of("type", "user_message", "content", message, "mode", "orchestrated"));
    List<JsonNode> frames = socket.untilType("approval_required");
    JsonNode call = frames.stream().filter(m -> m.path("type").asText().equals("tool_call")).findFirst().orElseThrow();
    assertEquals("create_plan", call.get("tool_name").asText());
    assertTrue(call.get("requires_approval").asBoolean());
    JsonNode approval = frames.get(frames.size() - 1);
    assertEquals("create_plan", approval.get("tool_name").asText());
    return approval;
  }

  private JsonNode onlyPlan(String sessionId) {
    JsonNode plans = api.get("/api/v1/sessions/" + sessionId + "/plans").body().get("plans");
    assertEquals(1, plans.size(), plans::toString);
    return plans.get(0);
  }

  private String newSession() {
    ApiClient.Reply project = api.post("/api/v1/projects", Map.of("name", "plans"));
    assertEquals(201, project.status(), project.body()::toString);
    ApiClient.Reply session = api.post("/api/v1/sessions", Map.of("project_id", project.body().get("id").asText()));
    assertEquals(201, session.status(), session.body()::toString);
    return session.body().get("id").asText();
  }

  private SocketClient open(String sessionId) {
    SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null);
    socket.next("session_info");
    return socket;
  }
}
