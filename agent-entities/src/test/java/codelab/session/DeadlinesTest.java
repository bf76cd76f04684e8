package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codelab.session.Deadlines.AllSettled;
import codelab.session.Deadlines.Deadline;
import codelab.session.Deadlines.Due;
import codelab.session.Deadlines.Kind;
import codelab.session.Deadlines.Settled;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deadline rules the entity's timers and the wake-up table share, event by event. */
class DeadlinesTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private final Deadlines deadlines = new Deadlines(Duration.ofMinutes(2), Duration.ofSeconds(30));

  private static Session.ToolCall call(String id) {
    return new Session.ToolCall(id, "p-" + id, "write_file", "{}");
  }

  @Test
  void aRunningTurnIsCheckedAfterTheTurnCheck() {
    assertEquals(
        List.of(new Due(new Deadline(Kind.RUNNING_TURN, null), T.plusSeconds(30))),
        deadlines.after(new Session.TurnStarted("t1", 1, null, null, null, T)));
    assertEquals("turn", new Deadline(Kind.RUNNING_TURN, null).key());
  }

  @Test
  void aCallSentToRunIsDueAfterTheToolTimeoutUntilItsResult() {
    assertEquals(
        List.of(new Due(new Deadline(Kind.TOOL_CALL, "c1"), T.plus(Duration.ofMinutes(2)))),
        deadlines.after(new Session.ToolCallRequested("t1", 1, call("c1"), false, "", 0, T)));
    assertEquals(
        List.of(new Settled(new Deadline(Kind.TOOL_CALL, "c1"))),
        deadlines.after(new Session.ToolResultRecorded("c1", "{}", null, null, T)));
    assertEquals("tool:c1", new Deadline(Kind.TOOL_CALL, "c1").key());
  }

  @Test
  void aCallWaitingForApprovalIsDueAtItsDeadlineAndItsReleaseStartsTheToolTimeout() {
    assertEquals(List.of(), deadlines.after(new Session.ToolCallRequested("t1", 1, call("c1"), true, "", 0, T)));
    Instant deadline = T.plus(Duration.ofMinutes(5));
    assertEquals(
        List.of(new Due(new Deadline(Kind.APPROVAL, "c1"), deadline)),
        deadlines.after(new Session.ApprovalRequested("t1", "c1", "write_file", "{}", "why", deadline, T)));
    assertEquals(
        List.of(new Settled(new Deadline(Kind.APPROVAL, "c1"))),
        deadlines.after(new Session.ApprovalResolved("c1", ApprovalDecision.APPROVE, "{}", null, null, T.plusSeconds(10))));
    assertEquals(
        List.of(new Settled(new Deadline(Kind.APPROVAL, "c1")), new Due(new Deadline(Kind.TOOL_CALL, "c1"), T.plusSeconds(130))),
        deadlines.after(new Session.ToolCallReleased("t1", "c1", "write_file", "{}", T.plusSeconds(10))));
    assertEquals("approval:c1", new Deadline(Kind.APPROVAL, "c1").key());
  }

  @Test
  void theEndOfATurnSettlesEverything() {
    assertEquals(List.of(new AllSettled()), deadlines.after(new Session.TurnCompleted("t1", T)));
    assertEquals(List.of(new AllSettled()), deadlines.after(new Session.TurnFailed("t1", "x", T)));
    assertEquals(List.of(new AllSettled()), deadlines.after(new Session.TurnCancelled("t1", null, T)));
  }

  @Test
  void anAcceptedMessageIsCheckedForItsTurnLikeARunningTurn() {
    // the turn starts after the agent answers; a node lost in between must not leave the message waiting for ever
    assertEquals(deadlines.after(new Session.TurnStarted("t1", 1, null, null, null, T)), deadlines.after(new Session.UserMessageAccepted(null, "hi", T)));
  }

  @Test
  void aRecoveredStateWaitsForWhatItsEventsMadeDue() {
    Instant deadline = T.plus(Duration.ofMinutes(5));
    List<Session.Event> events = List.of(
        new Session.SessionCreated("s", "u", "p", "title", "coder", null, T),
        new Session.UserMessageAccepted(null, "go", T),
        new Session.TurnStarted("t1", 1, null, null, null, T),
        new Session.ToolCallRequested("t1", 1, call("c1"), false, "", 0, T.plusSeconds(1)),
        new Session.ToolCallRequested("t1", 1, call("c2"), true, "", 0, T.plusSeconds(1)),
        new Session.ApprovalRequested("t1", "c2", "write_file", "{}", "why", deadline, T.plusSeconds(1)));
    SessionState state = SessionState.empty();
    for (Session.Event event : events) state = state.apply(event);

    assertEquals(
        List.of(new Due(new Deadline(Kind.TOOL_CALL, "c1"), T.plusSeconds(121)), new Due(new Deadline(Kind.APPROVAL, "c2"), deadline)),
        deadlines.waitingIn(state));
    for (Due due : deadlines.waitingIn(state)) {
      Session.Event made = due.deadline().kind() == Kind.APPROVAL ? events.get(5) : events.get(3);
      assertEquals(List.of(due), deadlines.after(made), "the same rule as for the event");
    }
  }
}
