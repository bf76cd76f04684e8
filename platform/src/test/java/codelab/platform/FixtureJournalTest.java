package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.SchemaMigrations;
import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A journal written by an earlier release (see {@link JournalFixtureWriter}) still reads: a node of
 * this release started on it answers, for the same user, what the earlier release answered. Answers
 * may have gained fields; none may have lost or changed one.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
class FixtureJournalTest {

  @Parameter TestDatabase.Kind databaseKind;

  @Test
  void theV1_0JournalReadsAsItWasWritten() throws Exception {
    assertReadsAsWritten("v1.0");
  }

  private void assertReadsAsWritten(String release) throws Exception {
    JsonNode journal = resource(release, "journal.json");
    JsonNode expected = resource(release, "answers.json");
    JsonNode login = resource(release, "login.json");
    Path dataDir = Files.createTempDirectory("codelab-fixture");
    TestDatabase database = TestDatabase.create(databaseKind, dataDir);
    try {
      SchemaMigrations.migrate(database.dataSource());
      JournalTables.load(journal.get("tables"), database);
      Node node = Node.start(TestNode.config(database, dataDir, FixtureConversation.NODE_SETTINGS));
      try {
        ApiClient api = new ApiClient(node.httpPort());
        ApiClient.Reply token = api.token(login.get("username").asText(), login.get("password").asText());
        assertEquals(200, token.status(), () -> "the fixture's user cannot log in: " + token.body());
        api.accessToken = token.body().get("access_token").asText();
        String sessionId = expected.get("session_id").asText();
        String projectId = expected.get("project_id").asText();
        assertContains("me", expected.get("me"), api.get("/api/v1/me").body());
        assertContains("sessions", expected.get("sessions"), api.get("/api/v1/sessions").body());
        assertContains("session", expected.get("session"), api.get("/api/v1/sessions/" + sessionId).body());
        assertContains("history", expected.get("history"), api.get("/api/v1/sessions/" + sessionId + "/history").body());
        assertContains("pending_approvals", expected.get("pending_approvals"), api.get("/api/v1/sessions/" + sessionId + "/pending-approvals").body());
        assertContains("projects", expected.get("projects"), api.get("/api/v1/projects").body());
        assertContains("project", expected.get("project"), api.get("/api/v1/projects/" + projectId).body());
        assertContains("project_sessions", expected.get("project_sessions"), api.get("/api/v1/projects/" + projectId + "/sessions").body());
        assertContains("replay", expected.get("replay"), FixtureConversation.replay(node, api, sessionId));

        // and the session goes on: a new turn continues the recovered conversation, answered by its
        // project's starter agent of the session's role (the project gets its team on first use)
        JsonNode session = api.get("/api/v1/sessions/" + sessionId).body();
        try (SocketClient socket = SocketClient.connect(node.httpPort(), sessionId, api.accessToken, null)) {
          long lastSeq = socket.next("session_info").get("last_seq").asLong();
          socket.send(Map.of("type", "user_message", "content", "after the upgrade"));
          assertEquals(lastSeq + 1, socket.next("message_accepted").get("seq").asLong());
          JsonNode started = socket.next("turn_started");
          assertEquals(session.get("agent_id").asText(), started.get("agent_id").asText());
          assertEquals(1, started.get("agent_version").asInt(), "the team's first version: v1's prompt for that role");
          socket.untilType("turn_completed");
        }
        JsonNode team = api.get("/api/v1/projects/" + projectId + "/agents").body();
        assertEquals(5, team.get("total").asInt(), team::toString);
        JsonNode agentOfRole = null;
        for (JsonNode agent : team.get("agents")) {
          if (agent.get("role").asText().equals(session.get("current_agent").asText())) agentOfRole = agent;
        }
        assertEquals(session.get("agent_id").asText(), agentOfRole.get("id").asText(), "a v1 session talks to its project's agent of its role");
      } finally {
        TestNode.stop(node);
      }
    } finally {
      database.drop();
    }
  }

  /** Every field of {@code expected} is in {@code actual} with the same value; arrays match element by element. */
  static void assertContains(String where, JsonNode expected, JsonNode actual) {
    assertTrue(actual != null && !actual.isMissingNode(), where + ": missing, expected " + expected);
    if (expected.isObject()) {
      assertTrue(actual.isObject(), where + ": expected an object, got " + actual);
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        assertContains(where + "." + field.getKey(), field.getValue(), actual.get(field.getKey()));
      }
    } else if (expected.isArray()) {
      assertTrue(actual.isArray(), where + ": expected an array, got " + actual);
      assertEquals(expected.size(), actual.size(), where + ": size of " + actual);
      for (int i = 0; i < expected.size(); i++) assertContains(where + "[" + i + "]", expected.get(i), actual.get(i));
    } else {
      assertEquals(expected, actual, where);
    }
  }

  private static JsonNode resource(String release, String file) throws IOException {
    try (InputStream in = FixtureJournalTest.class.getResourceAsStream("/journal-fixtures/" + release + "/" + file)) {
      if (in == null) throw new IllegalStateException("no fixture " + release + "/" + file);
      return ApiClient.JSON.readTree(in);
    }
  }
}
