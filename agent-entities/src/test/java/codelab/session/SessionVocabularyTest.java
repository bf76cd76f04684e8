package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The session's typed words: errors found again from their message, enums written as the words journals already hold. */
class SessionVocabularyTest {

  private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

  @Test
  void everyErrorIsFoundAgainFromItsMessageAndNothingElseIs() {
    for (SessionError error : SessionError.values()) assertEquals(Optional.of(error), SessionError.ofMessage(error.message()));
    assertEquals(Optional.empty(), SessionError.ofMessage("Ask timed out on [Actor] after [5000 ms]"));
    assertEquals(Optional.empty(), SessionError.ofMessage(null));
    Set<String> messages = Arrays.stream(SessionError.values()).map(SessionError::message).collect(Collectors.toSet());
    assertEquals(SessionError.values().length, messages.size(), "one message per error");
    assertEquals("session not found", SessionError.NOT_FOUND.message());
    assertEquals(SessionError.Kind.CONFLICT, SessionError.ALREADY_DECIDED.kind());
  }

  @Test
  void decisionsStatusesAndRolesAreWrittenAndReadAsTheirWords() throws Exception {
    var resolved = new Session.ApprovalResolved("c1", ApprovalDecision.EXPIRED, null, null, null, Instant.parse("2026-12-01T10:00:00Z"));
    String written = json.writeValueAsString(resolved);
    assertTrue(written.contains("\"decision\":\"expired\""), written);
    assertEquals(resolved, json.readValue(written, Session.ApprovalResolved.class));

    for (ApprovalStatus status : ApprovalStatus.values()) {
      assertEquals("\"" + status.name().toLowerCase() + "\"", json.writeValueAsString(status));
      assertEquals(status, json.readValue("\"" + status.word() + "\"", ApprovalStatus.class));
    }
    assertEquals(MessageRole.TOOL, json.readValue("\"tool\"", MessageRole.class));
  }

  @Test
  void aPersonDecidesApproveEditOrRejectButNeverExpired() {
    assertEquals(Optional.of(ApprovalDecision.EDIT), ApprovalDecision.byPerson("edit"));
    assertEquals(Optional.empty(), ApprovalDecision.byPerson("expired"));
    assertEquals(Optional.empty(), ApprovalDecision.byPerson("APPROVE"));
    assertEquals(Optional.empty(), ApprovalDecision.byPerson(null));
  }
}
