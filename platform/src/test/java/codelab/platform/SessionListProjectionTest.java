package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.SchemaMigrations;
import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The session_list read side, against the sessions themselves: once the projection has caught up
 * with a session, its row says what the session says (message count, activity, agent, title, the
 * instants to the nanosecond). Over the v1.0 fixture journal (every session event kind, projected
 * from its first event by a node that starts on it) and over a live conversation with tool calls,
 * a rejection, queued messages, a cancel, an agent switch, a rename and the archiving.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
class SessionListProjectionTest {

  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  @Parameter TestDatabase.Kind databaseKind;

  @Test
  void aJournalWrittenBeforeTheReadSideIsProjectedFromItsFirstEvent() throws Exception {
    JsonNode expected = fixture("answers.json");
    JsonNode login = fixture("login.json");
    Path dataDir = Files.createTempDirectory("codelab-fixture");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    try {
      SchemaMigrations.migrate(database.dataSource());
      JournalTables.load(fixture("journal.json").get("tables"), database);
      Node node = Node.start(TestNode.config(database, dataDir, FixtureConversation.NODE_SETTINGS));
      try {
        ApiClient api = new ApiClient(node.httpPort());
        api.accessToken = api.token(login.get("username").asText(), login.get("password").asText()).body().get("access_token").asText();
        JsonNode sessions = expected.get("sessions").get("sessions");
        assertTrue(sessions.size() >= 2);
        for (JsonNode session : sessions) assertRowIs(node, session);
        // and the list, now drawn from the rows, still answers what v1.0 answered
        FixtureJournalTest.assertContains("sessions", expected.get("sessions"), api.get("/api/v1/sessions").body());
      } finally {
        TestNode.stop(node);
      }
    } finally {
      database.drop();
    }
  }

  @Test
  void aLiveConversationIsProjectedAsTheSessionAnswers() throws Exception {
    RunningNode running = RunningNode.start(databaseKind, Map.of());
    try {
      ApiClient api = running.api();
      String sessionId = api.createSession();
      try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null)) {
        socket.next("session_info");
        // two calls in one step share one assistant message
        socket.send(Map.of("type", "user_message", "content", "read_file a.txt and list_files src"));
        socket.send(Map.of("type", "user_message", "content", "queued while the first turn runs"));
        JsonNode first = last(socket.untilType("tool_call"));
        JsonNode second = socket.next("tool_call");
        socket.send(Map.of("type", "tool_result", "call_id", first.get("call_id").asText(), "result", Map.of("content", "a")));
        socket.send(Map.of("type", "tool_result", "call_id", second.get("call_id").asText(), "error", "no such directory"));
        socket.untilType("turn_completed");
        socket.untilType("turn_completed");
        // a rejection answers its call
        socket.send(Map.of("type", "user_message", "content", "run make"));
        String rejected = last(socket.untilType("approval_required")).get("call_id").asText();
        socket.send(Map.of("type", "hitl_decision", "call_id", rejected, "decision", "reject"));
        socket.untilType("turn_completed");
        // a cancel answers the calls still waiting
        socket.send(Map.of("type", "user_message", "content", "write_file b.txt"));
        socket.untilType("approval_required");
        socket.send(Map.of("type", "cancel"));
        socket.untilType("turn_cancelled");
        socket.send(Map.of("type", "switch_agent", "agent_type", "coder"));
        socket.untilType("agent_switched");
      }
      assertEquals(200, api.send("PATCH", "/api/v1/sessions/" + sessionId, Map.of("title", "renamed")).status());
      assertEquals(200, api.post("/api/v1/sessions/" + sessionId + "/archive", Map.of()).status());
      JsonNode session = api.get("/api/v1/sessions/" + sessionId).body();
      assertEquals("coder", session.get("current_agent").asText());
      assertEquals("renamed", session.get("title").asText());
      assertFalse(session.get("is_active").asBoolean());
      assertEquals(api.get("/api/v1/sessions/" + sessionId + "/history").body().get("message_count").asInt(), session.get("message_count").asInt());
      assertRowIs(running.node(), session);
    } finally {
      running.stop();
    }
  }

  /** Waits until the session's row has seen the session's last event, then compares it with the session's own answer. */
  private static void assertRowIs(Node node, JsonNode session) throws Exception {
    String sessionId = session.get("id").asText();
    long lastSeq = session.get("last_seq").asLong();
    Instant deadline = Instant.now().plus(CATCH_UP);
    Optional<JsonNode> row = row(node, sessionId);
    while (row.isEmpty() || row.get().get("last_seq").asLong() < lastSeq) {
      assertTrue(Instant.now().isBefore(deadline), () -> "the session_list row of " + sessionId + " did not catch up with seq " + lastSeq);
      Thread.sleep(100);
      row = row(node, sessionId);
    }
    for (String field : List.of("id", "project_id", "title", "message_count", "created_at", "last_activity", "is_active", "current_agent", "last_seq")) {
      assertEquals(session.get(field).asText(), row.get().get(field).asText(), field + " of " + sessionId);
    }
  }

  private static Optional<JsonNode> row(Node node, String sessionId) throws SQLException {
    try (Connection connection = node.database().dataSource().getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT project_id, title, message_count, created_at, last_activity, active, current_agent, last_seq FROM session_list WHERE session_id = ?")) {
      select.setString(1, sessionId);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        var json = ApiClient.JSON.createObjectNode();
        json.put("id", sessionId);
        json.put("project_id", rs.getString("project_id"));
        json.put("title", rs.getString("title"));
        json.put("message_count", rs.getInt("message_count"));
        json.put("created_at", instant(rs.getLong("created_at")));
        json.put("last_activity", instant(rs.getLong("last_activity")));
        json.put("is_active", rs.getBoolean("active"));
        json.put("current_agent", rs.getString("current_agent"));
        json.put("last_seq", rs.getLong("last_seq"));
        return Optional.of(json);
      }
    }
  }

  private static String instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L)).toString();
  }

  private static JsonNode last(List<JsonNode> messages) {
    return messages.get(messages.size() - 1);
  }

  private static JsonNode fixture(String file) throws Exception {
    try (InputStream in = SessionListProjectionTest.class.getResourceAsStream("/journal-fixtures/v1.0/" + file)) {
      return ApiClient.JSON.readTree(in);
    }
  }
}
