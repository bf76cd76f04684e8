package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Approvals are persisted commands that outlive the process: real node processes, killed with
 * SIGKILL while a turn waits for a human.
 */
class CrashRecoveryTest {

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void anApprovalGivenAfterACrashResumesTheTurn(TestDatabase.Kind databaseKind) throws Exception {
    Path dataDir = Files.createTempDirectory("codelab-crash");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    NodeProcess node = NodeProcess.start(database, dataDir, Map.of());
    try {
      ApiClient api = new ApiClient(node.httpPort).loggedInAsNewUser();
      String sessionId = api.createSession();
      String callId;
      long lastSeq;
      try (SocketClient socket = SocketClient.connect(node.httpPort, sessionId, api.accessToken, null)) {
        socket.next("session_info");
        socket.send(Map.of("type", "user_message", "content", "write_file notes.txt"));
        List<JsonNode> upTo = socket.untilType("approval_required");
        JsonNode approval = upTo.get(upTo.size() - 1);
        callId = approval.get("call_id").asText();
        lastSeq = approval.get("seq").asLong();
      }

      node.kill();
      node = NodeProcess.start(database, dataDir, Map.of());
      ApiClient after = new ApiClient(node.httpPort);
      after.accessToken = api.accessToken;

      ApiClient.Reply approved = after.post("/api/v1/sessions/" + sessionId + "/approvals/" + callId, Map.of("decision", "approve"));
      assertEquals(200, approved.status(), () -> String.valueOf(approved.body()));

      try (SocketClient socket = SocketClient.connect(node.httpPort, sessionId, api.accessToken, "after_seq=" + lastSeq)) {
        socket.next("session_info");
        assertEquals("approve", socket.next("approval_resolved").get("decision").asText());
        JsonNode released = socket.next("tool_call");
        assertFalse(released.get("requires_approval").asBoolean());
        assertEquals(callId, released.get("call_id").asText());
        assertEquals("notes.txt", released.get("arguments").get("path").asText());

        socket.send(Map.of("type", "tool_result", "call_id", callId, "result", Map.of("written", true)));
        List<JsonNode> rest = socket.untilType("turn_completed");
        assertTrue(rest.stream().anyMatch(m -> m.get("type").asText().equals("assistant_message")), rest::toString);
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- node log ---\n" + node.logTail(), e);
    } finally {
      node.close();
      database.drop();
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void anApprovalExpiresWhileTheNodeIsDownAndSettlesWithNoClient(TestDatabase.Kind databaseKind) throws Exception {
    Path dataDir = Files.createTempDirectory("codelab-deadline");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    Map<String, String> shortDeadline = Map.of("CODELAB_APPROVAL_TIMEOUT", "4s");
    NodeProcess node = NodeProcess.start(database, dataDir, shortDeadline);
    try {
      ApiClient api = new ApiClient(node.httpPort).loggedInAsNewUser();
      String sessionId = api.createSession();
      long approvalSeq;
      try (SocketClient socket = SocketClient.connect(node.httpPort, sessionId, api.accessToken, null)) {
        socket.next("session_info");
        socket.send(Map.of("type", "user_message", "content", "run make deploy"));
        List<JsonNode> upTo = socket.untilType("approval_required");
        approvalSeq = upTo.get(upTo.size() - 1).get("seq").asLong();
      }
      // the wake-up must be in the table before the crash: the projection runs behind the journal
      NodeProcess.sleep(Duration.ofSeconds(2));
      node.kill();
      NodeProcess.sleep(Duration.ofSeconds(3)); // the deadline passes while no node runs

      node = NodeProcess.start(database, dataDir, shortDeadline);
      long restartedAt = System.nanoTime();
      // no client, no request: only the sweeper can wake the session
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!node.log().contains("Woke 1 session(s)") && System.nanoTime() < deadline) NodeProcess.sleep(Duration.ofMillis(200));
      assertTrue(node.log().contains("Woke 1 session(s)"), "the sweeper woke the session");
      long firedAfterMs = Duration.ofNanos(System.nanoTime() - restartedAt).toMillis();
      NodeProcess.sleep(Duration.ofSeconds(2));

      try (SocketClient socket = SocketClient.connect(node.httpPort, sessionId, api.accessToken, "after_seq=" + approvalSeq)) {
        long lastSeqBeforeThisClient = socket.next("session_info").get("last_seq").asLong();
        JsonNode resolved = socket.next("approval_resolved");
        assertEquals("expired", resolved.get("decision").asText());
        long expiredSeq = resolved.get("seq").asLong();
        assertTrue(expiredSeq <= lastSeqBeforeThisClient, "expired before any client came: " + expiredSeq + " <= " + lastSeqBeforeThisClient);
        socket.untilType("turn_completed"); // the model, told of the expiry, finishes the turn
      }
      System.out.println("overdue approval fired " + firedAfterMs + " ms after the node answered /health");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- node log ---\n" + node.logTail(), e);
    } finally {
      node.close();
      database.drop();
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void aTurnKilledMidStreamIsRunAgainWithNoClient(TestDatabase.Kind databaseKind) throws Exception {
    Path dataDir = Files.createTempDirectory("codelab-midturn");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    // a slow answer (about 6 s) and a quick check of running turns
    Map<String, String> settings = Map.of("CODELAB_SCRIPTED_TOKEN_DELAY_MS", "50", "CODELAB_SCRIPTED_EXTRA_TOKENS", "120",
        "-Dcodelab.wakeups.turn-check", "3s");
    NodeProcess node = NodeProcess.start(database, dataDir, settings);
    try {
      ApiClient api = new ApiClient(node.httpPort).loggedInAsNewUser();
      String sessionId = api.createSession();
      String interruptedTurn;
      try (SocketClient socket = SocketClient.connect(node.httpPort, sessionId, api.accessToken, null)) {
        socket.next("session_info");
        socket.send(Map.of("type", "user_message", "content", "tell me a long story"));
        socket.next("message_accepted");
        socket.next("turn_started");
        interruptedTurn = socket.next("assistant_delta").get("turn_id").asText();
      }
      NodeProcess.sleep(Duration.ofSeconds(1));
      node.kill();

      node = NodeProcess.start(database, dataDir, settings);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!node.log().contains("Woke 1 session(s)") && System.nanoTime() < deadline) NodeProcess.sleep(Duration.ofMillis(200));
      assertTrue(node.log().contains("Woke 1 session(s)"), "the sweeper woke the session");
      NodeProcess.sleep(Duration.ofSeconds(2));

      try (SocketClient socket = SocketClient.connect(node.httpPort, sessionId, api.accessToken, "after_seq=0")) {
        long lastSeq = socket.next("session_info").get("last_seq").asLong();
        List<JsonNode> replay = socket.untilType("turn_completed");
        JsonNode failed = replay.stream().filter(m -> m.get("type").asText().equals("turn_failed")).findFirst().orElseThrow();
        assertEquals(interruptedTurn, failed.get("turn_id").asText());
        assertTrue(failed.get("error").asText().contains("running it again"));
        JsonNode answer = replay.get(replay.size() - 2);
        assertTrue(answer.get("content").asText().contains("tell me a long story"));
        assertTrue(failed.get("seq").asLong() <= lastSeq, "recovered and re-run before any client came");
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- node log ---\n" + node.logTail(), e);
    } finally {
      node.close();
      database.drop();
    }
  }
}
