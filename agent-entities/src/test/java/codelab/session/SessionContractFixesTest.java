package codelab.session;

import static codelab.session.SessionFixture.OWNER;
import static codelab.session.SessionFixture.until;
import static codelab.session.SessionFixture.untilTurnCompleted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** The v1 contract fixes that live in the session (PROTOCOL.md, "Contract fixes to v1"). */
class SessionContractFixesTest {

  private static final String WRITE = "write_file:{\"path\":\"a.txt\",\"content\":\"hi\"}";
  private static final String READ = "read_file:{\"path\":\"a.txt\"}";

  private static SessionFixture fixture(FakeModel model) {
    return new SessionFixture(model, SessionFixture.settings(), "coder");
  }

  private static StatusReply<Done> toolResult(SessionFixture s, String callId, String operationId) {
    return s.session.<StatusReply<Done>>runCommand(r -> new Session.RecordToolResult(OWNER, callId, "{\"ok\":1}", null, operationId, r)).reply();
  }

  private static StatusReply<Session.Decision> decide(SessionFixture s, String callId, String decision, String operationId) {
    return s.session.<StatusReply<Session.Decision>>runCommand(r -> new Session.Decide(OWNER, callId, decision, null, null, operationId, r)).reply();
  }

  private static StatusReply<Done> cancel(SessionFixture s, String operationId) {
    return s.session.<StatusReply<Done>>runCommand(r -> new Session.CancelTurn(OWNER, operationId, r)).reply();
  }

  private static String callOf(TestProbe<SessionUpdate> client, Class<? extends SessionUpdate> announcement) {
    List<SessionUpdate> seen = until(client, announcement);
    SessionUpdate last = seen.get(seen.size() - 1);
    return last instanceof SessionUpdate.ApprovalRequired a ? a.callId() : ((SessionUpdate.ToolCallRequested) last).callId();
  }

  @Test
  void aToolResultRetriedWithItsOperationIdIsAcknowledgedAgainAndRecordedOnce() {
    // the write waits for a person, so no model call runs while the read's answer is retried
    SessionFixture s = fixture(new FakeModel().thenAnswer(FakeModel.toolCalls(READ, WRITE)));
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("read and write", null);
    callOf(client, SessionUpdate.ApprovalRequired.class);
    String readCall = s.session.getState().turn().pending().get(0).call().callId();

    assertTrue(toolResult(s, readCall, "op-r1").isSuccess());
    long seq = s.session.getState().lastSeq();
    // the restart proves the operation id is remembered by the journal, not by this node's memory
    s.session.restart();
    StatusReply<Done> retry = toolResult(s, readCall, "op-r1");
    assertTrue(retry.isSuccess(), () -> "the retry is acknowledged, not a conflict: " + retry);
    assertEquals(seq, s.session.getState().lastSeq(), "nothing recorded for the retry");
    assertEquals(SessionError.CALL_ALREADY_ANSWERED.message(), toolResult(s, readCall, "op-r2").getError().getMessage(),
        "another operation on the same call is still refused");
  }

  @Test
  void aDecisionRetriedWithItsOperationIdGetsTheSameAnswer() {
    SessionFixture s = fixture(new FakeModel().thenAnswer(FakeModel.toolCalls(WRITE)).thenAnswer(FakeModel.reply("done")));
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write it", null);
    String callId = callOf(client, SessionUpdate.ApprovalRequired.class);

    assertEquals("approve", decide(s, callId, "approve", "op-d1").getValue().decision());
    long seq = s.session.getState().lastSeq();
    StatusReply<Session.Decision> retry = decide(s, callId, "approve", "op-d1");
    assertTrue(retry.isSuccess(), () -> "the retry is acknowledged, not a conflict: " + retry);
    assertEquals(new Session.Decision(callId, "approve"), retry.getValue());
    assertEquals(seq, s.session.getState().lastSeq());
    assertEquals(SessionError.ALREADY_DECIDED.message(), decide(s, callId, "reject", "op-d2").getError().getMessage());
  }

  @Test
  void aCancelRetriedWithItsOperationIdIsAcknowledgedAgain() {
    SessionFixture s = fixture(new FakeModel().thenAnswer(FakeModel.toolCalls(WRITE)));
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write it", null);
    callOf(client, SessionUpdate.ApprovalRequired.class);

    assertTrue(cancel(s, "op-c1").isSuccess());
    until(client, SessionUpdate.TurnCancelled.class);
    long seq = s.session.getState().lastSeq();
    assertTrue(cancel(s, "op-c1").isSuccess(), "the retry is acknowledged, not 'no turn is running'");
    assertEquals(seq, s.session.getState().lastSeq());
    assertEquals(SessionError.NO_RUNNING_TURN.message(), cancel(s, "op-c2").getError().getMessage());
    assertEquals(SessionError.NO_RUNNING_TURN.message(), cancel(s, null).getError().getMessage());
  }

  @Test
  void aRenamedSessionAnswersWithItsNewTitle() {
    SessionFixture s = fixture(new FakeModel());
    var renamed = s.session.<StatusReply<Session.Summary>>runCommand(r -> new Session.Rename(OWNER, "  Refactoring  ", r)).reply();
    assertEquals("Refactoring", renamed.getValue().title());
    var summary = s.session.<StatusReply<Session.Summary>>runCommand(r -> new Session.GetSummary(OWNER, r)).reply();
    assertEquals("Refactoring", summary.getValue().title());
    s.session.restart();
    assertEquals("Refactoring", s.session.getState().title());

    var blank = s.session.<StatusReply<Session.Summary>>runCommand(r -> new Session.Rename(OWNER, " ", r)).reply();
    assertEquals(SessionError.EMPTY_TITLE.message(), blank.getError().getMessage());
    var stranger = s.session.<StatusReply<Session.Summary>>runCommand(r -> new Session.Rename("intruder", "mine", r)).reply();
    assertEquals(SessionError.NOT_FOUND.message(), stranger.getError().getMessage());
  }

  @Test
  void anArchivedSessionIsInactiveStaysReadableAndRefusesNewMessages() {
    SessionFixture s = fixture(new FakeModel());
    TestProbe<SessionUpdate> client = s.subscribe(0);
    long helloSeq = s.post("hello", "op-hello").seq();
    untilTurnCompleted(client);

    var stranger = s.session.<StatusReply<Session.Summary>>runCommand(r -> new Session.Archive("intruder", r)).reply();
    assertEquals(SessionError.NOT_FOUND.message(), stranger.getError().getMessage());
    var archived = s.session.<StatusReply<Session.Summary>>runCommand(r -> new Session.Archive(OWNER, r)).reply();
    assertFalse(archived.getValue().active());
    long seq = s.session.getState().lastSeq();
    assertFalse(s.session.<StatusReply<Session.Summary>>runCommand(r -> new Session.Archive(OWNER, r)).reply().getValue().active());
    assertEquals(seq, s.session.getState().lastSeq(), "archiving twice is archiving once");

    var message = s.session.<StatusReply<Session.Accepted>>runCommand(r -> new Session.PostUserMessage(OWNER, "more", null, "op-m", r)).reply();
    assertEquals(SessionError.ARCHIVED.message(), message.getError().getMessage());
    Session.Accepted retried = s.post("hello", "op-hello");
    assertTrue(retried.duplicate(), "a retry of a message accepted before the archiving is answered as the first time");
    assertEquals(helloSeq, retried.seq());
    var switched = s.session.<StatusReply<Done>>runCommand(r -> new Session.SwitchAgent(OWNER, "ask", null, null, r)).reply();
    assertEquals(SessionError.ARCHIVED.message(), switched.getError().getMessage());
    var otherUser = s.session.<StatusReply<Session.Accepted>>runCommand(r -> new Session.PostUserMessage("intruder", "x", null, null, r)).reply();
    assertEquals(SessionError.NOT_FOUND.message(), otherUser.getError().getMessage(), "archived or not, a foreign session is not found");

    s.session.restart();
    var history = s.session.<StatusReply<Session.History>>runCommand(r -> new Session.GetHistory(OWNER, r)).reply();
    assertEquals(2, history.getValue().messages().size());
    assertFalse(s.session.<StatusReply<Session.Summary>>runCommand(r -> new Session.GetSummary(OWNER, r)).reply().getValue().active());
  }

  @Test
  void historyPairsEachToolMessageWithItsCallAndNamesItsTool() {
    SessionFixture s = fixture(new FakeModel().thenAnswer(FakeModel.toolCalls(READ, WRITE)).thenAnswer(FakeModel.reply("done")));
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("read and write", null);
    String writeCall = callOf(client, SessionUpdate.ApprovalRequired.class);
    String readCall = s.session.getState().turn().pending().stream()
        .filter(p -> p.call().toolName().equals("read_file")).findFirst().orElseThrow().call().callId();
    assertTrue(toolResult(s, readCall, null).isSuccess());
    decide(s, writeCall, "reject", null);
    untilTurnCompleted(client);

    List<SessionState.ChatMessage> messages =
        s.session.<StatusReply<Session.History>>runCommand(r -> new Session.GetHistory(OWNER, r)).reply().getValue().messages();
    SessionState.ChatMessage asked = messages.get(1);
    assertEquals(MessageRole.ASSISTANT, asked.role());
    assertEquals(List.of("read_file", "write_file"), asked.toolCalls().stream().map(Session.ToolCall::toolName).toList());
    List<SessionState.ChatMessage> answers = messages.stream().filter(m -> m.role() == MessageRole.TOOL).toList();
    assertEquals(List.of(readCall, writeCall), answers.stream().map(SessionState.ChatMessage::toolCallId).toList());
    assertEquals(List.of("read_file", "write_file"), answers.stream().map(SessionState.ChatMessage::name).toList());
    assertNull(messages.get(0).name());
  }
}
