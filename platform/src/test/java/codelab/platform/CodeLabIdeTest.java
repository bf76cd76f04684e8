package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
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
 * The CodeLab IDE's own flows against a node whose operator allowed its tokenless chat sockets
 * ({@code codelab.codelab-ide.tokenless-sockets = on}), played by {@link IdeClient} from the IDE's
 * code: log in and refresh with its client id, health, sessions, chat, read and write tools, approve
 * and reject in its one dialog, parallel reads, agent switches, a failed turn, history. Every frame
 * it gets is one it reads: no bubble is empty, none is dropped.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodeLabIdeTest {

  /** The types the IDE acts on (F/agent_chat/data/models/message_model.dart, _parseContent). */
  private static final Set<String> READ_BY_THE_IDE = Set.of("assistant_message", "tool_call", "agent_switched", "error");

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of("codelab.codelab-ide.tokenless-sockets", true));
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  /** A user of the IDE, logged in as it logs in, with a session it created and its socket open. */
  private IdeClient ide() {
    ApiClient registered = new ApiClient(running.httpPort()).loggedInAsNewUser();
    IdeClient ide = new IdeClient(running.httpPort());
    ApiClient.Reply login = ide.login(registered.username, registered.password);
    assertEquals(200, login.status(), () -> String.valueOf(login.body()));
    ApiClient.Reply created = ide.api.send("POST", "/api/v1/sessions", null);
    assertEquals(201, created.status(), () -> String.valueOf(created.body()));
    ide.connect(running.httpPort(), created.body().get("id").asText());
    return ide;
  }

  private static void assertOnlyWhatTheIdeReads(IdeClient ide) {
    assertEquals(0, ide.dropped, "frames the IDE would drop");
    for (IdeClient.Bubble bubble : ide.bubbles) {
      assertTrue(READ_BY_THE_IDE.contains(bubble.type()), "a junk bubble: " + bubble.frame());
      if (!bubble.type().equals("tool_call") && !bubble.type().equals("agent_switched")) {
        String text = bubble.text("content") != null ? bubble.text("content") : bubble.text("error");
        assertTrue(text != null && !text.isBlank(), "an empty bubble: " + bubble.frame());
      }
    }
    assertEquals(0, ide.overwrittenDialogs, "an approval that overwrote another in the IDE's one dialog");
  }

  @Test
  void theIdeLogsInRefreshesChecksHealthAndListsItsSessions() {
    ApiClient registered = new ApiClient(running.httpPort()).loggedInAsNewUser();
    IdeClient ide = new IdeClient(running.httpPort());
    assertEquals(200, ide.login(registered.username, registered.password).status());
    ApiClient.Reply refreshed = ide.refresh();
    assertEquals(200, refreshed.status());
    for (String key : List.of("access_token", "refresh_token", "token_type")) assertTrue(refreshed.body().get(key).isTextual(), key);
    assertTrue(refreshed.body().get("expires_in").isNumber());
    assertEquals(200, ide.api.get("/health").status());

    ApiClient.Reply created = ide.api.send("POST", "/api/v1/sessions", null);
    assertTrue(created.body().get("id").isTextual() && created.body().get("message_count").isNumber(), created.body()::toString);
    JsonNode sessions = ide.api.get("/api/v1/sessions").body().get("sessions");
    assertTrue(sessions.findValuesAsText("id").contains(created.body().get("id").asText()));
  }

  @Test
  void aChatIsOneAnswerBubbleAndNothingElse() {
    try (IdeClient ide = ide()) {
      ide.say("hello there");
      IdeClient.Bubble answer = ide.next();
      assertEquals("assistant_message", answer.type());
      assertEquals("You said: hello there", answer.text("content"));
      ide.expectNothing(Duration.ofMillis(700));
      assertOnlyWhatTheIdeReads(ide);
    }
  }

  @Test
  void parallelReadsRunAndTheAgentSumsThemUp() {
    try (IdeClient ide = ide()) {
      ide.say("read_file a.txt and read_file b.txt");
      IdeClient.Bubble first = ide.next();
      IdeClient.Bubble second = ide.next();
      for (IdeClient.Bubble call : List.of(first, second)) {
        assertEquals("tool_call", call.type());
        assertFalse(call.asksApproval());
        assertEquals("read_file", call.text("tool_name"));
      }
      ide.ran(second, Map.of("success", true, "content", "bee", "lines_read", 1));
      ide.ran(first, Map.of("success", true, "content", "ay", "lines_read", 1));
      IdeClient.Bubble answer = ide.until("assistant_message").get(0);
      assertTrue(answer.text("content").contains("read_file call returned"), answer.frame()::toString);
      assertOnlyWhatTheIdeReads(ide);
    }
  }

  @Test
  void twoWritesWaitForTheDialogOneAtATimeAndARejectionReachesTheAgent() {
    try (IdeClient ide = ide()) {
      ide.say("write_file a.txt and write_file b.txt");
      IdeClient.Bubble first = ide.next();
      assertTrue(first.asksApproval(), first.frame()::toString);
      ide.expectNothing(Duration.ofMillis(700)); // the second waits behind the dialog
      ide.ran(first, Map.of("success", true, "bytes_written", 40));
      IdeClient.Bubble second = ide.next();
      assertTrue(second.asksApproval());
      assertEquals("b.txt", second.frame().get("arguments").get("path").asText());
      ide.rejected(second);
      IdeClient.Bubble answer = ide.until("assistant_message").get(0);
      assertTrue(answer.text("content").contains("rejected"), answer.frame()::toString);
      assertOnlyWhatTheIdeReads(ide);
    }
  }

  @Test
  void aCallApprovedElsewhereRunsOnceFromTheDialog() {
    try (IdeClient ide = ide()) {
      ide.say("write_file notes.md");
      IdeClient.Bubble call = ide.next();
      assertTrue(call.asksApproval());
      String sessionId = sessionOf(ide);
      ApiClient.Reply approved = ide.api.post("/api/v1/sessions/" + sessionId + "/approvals/" + call.text("call_id"), Map.of("decision", "approve"));
      assertEquals(200, approved.status(), () -> String.valueOf(approved.body()));
      ide.expectNothing(Duration.ofMillis(700)); // not sent again: the dialog still holds it
      ide.ran(call, Map.of("success", true, "bytes_written", 40));
      ide.until("assistant_message");
      JsonNode history = ide.api.get("/api/v1/sessions/" + sessionId + "/history").body();
      long results = 0;
      for (JsonNode m : history.get("messages")) if (call.text("call_id").equals(m.path("tool_call_id").asText(null))) results++;
      assertEquals(1, results, "run once: " + history);
      assertOnlyWhatTheIdeReads(ide);
    }
  }

  @Test
  void anAgentSwitchIsShownAndAFailedTurnShowsItsReason() {
    try (IdeClient ide = ide()) {
      ide.switchAgent("coder");
      IdeClient.Bubble switched = ide.next();
      assertEquals("agent_switched", switched.type());
      assertEquals("coder", switched.text("to_agent"));

      // the session's agent is archived: its next turn fails, and the IDE shows why
      String agentId = ide.api.get("/api/v1/sessions/" + sessionOf(ide)).body().get("agent_id").asText();
      assertEquals(200, ide.api.send("DELETE", "/api/v1/agents/" + agentId, null).status(), "archived");
      ide.say("are you there?");
      IdeClient.Bubble failed = ide.next();
      assertEquals("error", failed.type());
      assertTrue(failed.text("content").contains("archived"), failed.frame()::toString);
      assertOnlyWhatTheIdeReads(ide);
    }
  }

  @Test
  void theHistoryHasTheToolCallsAsTheIdeReadsThem() {
    try (IdeClient ide = ide()) {
      ide.say("read_file a.txt");
      IdeClient.Bubble call = ide.next();
      ide.ran(call, Map.of("success", true, "content", "ay", "lines_read", 1));
      ide.until("assistant_message");
      JsonNode messages = ide.api.get("/api/v1/sessions/" + sessionOf(ide) + "/history").body().get("messages");
      JsonNode asked = null;
      JsonNode result = null;
      for (JsonNode m : messages) {
        if (m.has("tool_calls") && m.get("tool_calls").size() > 0) asked = m;
        if (m.hasNonNull("tool_call_id")) result = m;
      }
      assertNotNull(asked, messages::toString);
      assertEquals("read_file", asked.get("tool_calls").get(0).get("function").get("name").asText());
      assertEquals(call.text("call_id"), result.get("tool_call_id").asText());
      assertEquals("read_file", result.get("name").asText());
    }
  }

  @Test
  void aSocketWithNoTokenJoinsOnlyASessionTheIdeCreated() throws InterruptedException {
    ApiClient other = new ApiClient(running.httpPort()).loggedInAsNewUser(); // a client that is not the IDE
    String notTheIdes = other.createSession();
    IdeClient stranger = new IdeClient(running.httpPort());
    stranger.connect(running.httpPort(), notTheIdes);
    IdeClient.Bubble refused = stranger.next();
    assertEquals("error", refused.type());
    assertTrue(refused.text("content").contains("sign in"), refused.frame()::toString);
    assertTrue(stranger.closedByServer(Duration.ofSeconds(5)));
  }

  @Test
  void withoutTheOperatorsOptInTheIdeIsToldWhyItsSocketCannotBeUsed() throws Exception {
    RunningNode plain = RunningNode.start(databaseKind, Map.of());
    try {
      IdeClient ide = new IdeClient(plain.httpPort());
      ApiClient registered = new ApiClient(plain.httpPort()).loggedInAsNewUser();
      ide.login(registered.username, registered.password);
      String sessionId = ide.api.send("POST", "/api/v1/sessions", null).body().get("id").asText();
      ide.connect(plain.httpPort(), sessionId);
      IdeClient.Bubble refused = ide.next();
      assertEquals("error", refused.type());
      assertTrue(refused.text("content").contains("CODELAB_IDE_TOKENLESS_SOCKETS"), refused.frame()::toString);
      assertTrue(ide.closedByServer(Duration.ofSeconds(5)));
    } finally {
      plain.stop();
    }
  }

  private static String sessionOf(IdeClient ide) {
    return ide.api.get("/api/v1/sessions").body().get("sessions").get(0).get("id").asText();
  }
}
