package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The plan's decisions as pure rules over the parent's state: whatever prefix of the parent's events
 * a recovery finds, going on from it starts nothing twice and ends where an uninterrupted run ends.
 */
class PlanStepsTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final PlanLimits LIMITS = new PlanLimits(10, 4, Duration.ofSeconds(30), true);

  /** A parent whose orchestrator's diamond plan was just approved. */
  private static List<Session.Event> approvedDiamond() {
    List<Session.Event> events = new ArrayList<>(List.of(
        new Session.SessionCreated("s1", "u1", "p1", "t", "orchestrator", null, T),
        new Session.UserMessageAccepted("op", "build", true, T),
        new Session.TurnStarted("turn-1", 1, "agent-1", 1, "scripted", true, T),
        new Session.ToolCallRequested("turn-1", 1, new Session.ToolCall("call-1", "p-1", PlanDraft.TOOL, PlanTest.DIAMOND), true, "", 0, T),
        new Session.ApprovalRequested("turn-1", "call-1", PlanDraft.TOOL, PlanTest.DIAMOND, "plan", T.plusSeconds(300), T),
        new Session.ApprovalResolved("call-1", ApprovalDecision.APPROVE, PlanTest.DIAMOND, null, null, T)));
    SessionState state = SessionState.empty().applyAll(events);
    events.add(PlanSteps.started(state, "call-1", PlanTest.DIAMOND, T));
    return events;
  }

  /**
   * Goes on from {@code events} as the entity would: what the plan decides is applied, and every
   * running task reports back completed (in task order), until the plan's call has its result.
   */
  private static List<Session.Event> runToTheEnd(List<Session.Event> events) {
    List<Session.Event> all = new ArrayList<>(events);
    SessionState state = SessionState.empty().applyAll(all);
    for (int round = 0; round < 50 && state.plans().get(0).isRunning(); round++) {
      List<Session.Event> next = PlanSteps.next(state, LIMITS, T);
      all.addAll(next);
      state = state.applyAll(next);
      for (Plan.Task task : state.plans().get(0).tasks()) {
        if (task.status() != Plan.TaskStatus.RUNNING) continue;
        Session.TaskReport report = new Session.TaskReport(state.plans().get(0).planId(), task.taskId(), task.sessionId(),
            Plan.TaskStatus.COMPLETED, "done " + task.taskId(), null);
        List<Session.Event> reported = PlanSteps.reported(state, report, T);
        all.addAll(reported);
        state = state.applyAll(reported);
      }
    }
    return all;
  }

  @Test
  void fromEveryPrefixOfTheParentsEventsThePlanEndsTheSameAndStartsNothingTwice() {
    List<Session.Event> full = runToTheEnd(approvedDiamond());
    SessionState end = SessionState.empty().applyAll(full);
    assertEquals(Plan.Status.COMPLETED, end.plans().get(0).status());
    assertTrue(end.turn().pending().isEmpty(), "the plan's call has its result");

    for (int cut = approvedDiamond().size(); cut <= full.size(); cut++) {
      List<Session.Event> resumed = runToTheEnd(full.subList(0, cut));
      SessionState after = SessionState.empty().applyAll(resumed);
      assertEquals(end.plans().get(0).tasks().stream().map(Plan.Task::status).toList(),
          after.plans().get(0).tasks().stream().map(Plan.Task::status).toList(), "after " + cut + " events");
      Set<String> started = new HashSet<>();
      for (Session.Event event : resumed) {
        if (event instanceof Session.TaskStarted s) assertTrue(started.add(s.taskId()), "task " + s.taskId() + " started twice after " + cut);
      }
      assertEquals(1, resumed.stream().filter(e -> e instanceof Session.PlanCompleted).count(), "after " + cut);
    }
  }

  @Test
  void aReportOfATaskThatIsNotRunningChangesNothing() {
    SessionState state = SessionState.empty().applyAll(approvedDiamond());
    String planId = state.plans().get(0).planId();
    Session.TaskReport early = new Session.TaskReport(planId, "B", PlanSteps.taskSessionId(planId, "B"), Plan.TaskStatus.COMPLETED, "x", null);
    assertTrue(PlanSteps.reported(state, early, T).isEmpty(), "B never started");
    List<Session.Event> startA = PlanSteps.next(state, LIMITS, T);
    state = state.applyAll(startA);
    Session.TaskReport stranger = new Session.TaskReport(planId, "A", "another-session", Plan.TaskStatus.COMPLETED, "x", null);
    assertTrue(PlanSteps.reported(state, stranger, T).isEmpty(), "only A's own session reports for A");
    Session.TaskReport running = new Session.TaskReport(planId, "A", PlanSteps.taskSessionId(planId, "A"), Plan.TaskStatus.RUNNING, null, null);
    assertTrue(PlanSteps.reported(state, running, T).isEmpty());
  }
}
