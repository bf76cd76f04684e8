package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A plan outlives the process that ran it: a real node process is killed with SIGKILL while the
 * plan's first task streams; after a restart, with no client connected, the wake-up sweeper starts
 * the parent, the parent sends its running task again, the task's interrupted turn is run again, and
 * the plan goes on to the orchestrator's answer. Nothing that had started starts twice.
 */
class PlanCrashTest {

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void aPlanKilledAfterItsFirstTaskStartedFinishesAfterARestartWithNoClient(TestDatabase.Kind databaseKind) throws Exception {
    Path dataDir = Files.createTempDirectory("codelab-plan-crash");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    // tasks take a few seconds each; running turns are checked soon after a restart
    Map<String, String> settings = Map.of("CODELAB_SCRIPTED_TOKEN_DELAY_MS", "50", "CODELAB_SCRIPTED_EXTRA_TOKENS", "60",
        "-Dcodelab.wakeups.turn-check", "3s", "-Dcodelab.wakeups.retry-after", "3s");
    NodeProcess node = NodeProcess.start(database, dataDir, settings);
    try {
      ApiClient api = new ApiClient(node.httpPort).loggedInAsNewUser();
      String sessionId = api.createSession();
      try (SocketClient socket = SocketClient.connect(node.httpPort, sessionId, api.accessToken, null)) {
        socket.next("session_info");
        socket.send(Map.of("type", "user_message", "content", "plan: A: draft the notes; B: review them after A", "mode", "orchestrated"));
        List<JsonNode> upTo = socket.untilType("approval_required");
        socket.send(Map.of("type", "hitl_decision", "call_id", upTo.get(upTo.size() - 1).get("call_id").asText(), "decision", "approve"));
        socket.untilType("task_started");
        socket.until(m -> m.path("type").asText().equals("assistant_delta") && m.has("task_id"));
      }
      node.kill();

      node = NodeProcess.start(database, dataDir, settings);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!node.log().contains("Woke ") && System.nanoTime() < deadline) NodeProcess.sleep(Duration.ofMillis(200));
      assertTrue(node.log().contains("Woke "), "the sweeper woke the sessions");

      ApiClient after = new ApiClient(node.httpPort);
      after.accessToken = api.accessToken;
      String path = "/api/v1/sessions/" + sessionId + "/plans";
      JsonNode plan = null;
      deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        plan = after.get(path).body().get("plans").get(0);
        if (plan.get("status").asText().equals("completed")) break;
        NodeProcess.sleep(Duration.ofMillis(500));
      }
      assertEquals("completed", plan.get("status").asText(), String.valueOf(plan));
      for (JsonNode task : plan.get("tasks")) assertEquals("completed", task.get("status").asText(), plan::toString);

      try (SocketClient socket = SocketClient.connect(node.httpPort, sessionId, api.accessToken, "after_seq=0")) {
        socket.next("session_info");
        List<JsonNode> replay = socket.until(m -> m.path("type").asText().equals("turn_completed") && !m.has("task_id"));
        Map<String, Integer> starts = new HashMap<>();
        for (JsonNode m : replay) {
          if (m.path("type").asText().equals("task_started")) starts.merge(m.get("task_id").asText(), 1, Integer::sum);
        }
        assertEquals(Map.of("A", 1, "B", 1), starts, "each task started once");
        assertTrue(replay.stream().anyMatch(m -> m.path("type").asText().equals("plan_completed")), replay::toString);
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- node log ---\n" + node.logTail(), e);
    } finally {
      node.close();
      database.drop();
    }
  }
}
