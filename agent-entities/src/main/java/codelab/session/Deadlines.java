package codelab.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When a session has something due, in one place: an approval expires at its deadline, the IDE has
 * {@code toolTimeout} to answer a call from the moment it was sent to run, and a running turn is
 * checked {@code turnCheck} after it started (a model call lost with its node is found only by
 * starting the entity). The entity's timers and the durable wake-up table both follow these rules,
 * so a deadline fires the same whether the session stayed in memory or not.
 */
public record Deadlines(Duration toolTimeout, Duration turnCheck) {

  public enum Kind {
    APPROVAL,
    TOOL_CALL,
    /** Only the wake-up table watches it: the entity that holds the turn runs it itself. */
    RUNNING_TURN
  }

  /** Something a session may have to settle; {@code callId} is null for the running turn. */
  public record Deadline(Kind kind, String callId) {
    static Deadline approval(String callId) {
      return new Deadline(Kind.APPROVAL, callId);
    }

    static Deadline toolCall(String callId) {
      return new Deadline(Kind.TOOL_CALL, callId);
    }

    /** Unique within a session; the wake-up table's {@code reason} column holds it. */
    public String key() {
      return switch (kind) {
        case APPROVAL -> "approval:" + callId;
        case TOOL_CALL -> "tool:" + callId;
        case RUNNING_TURN -> "turn";
      };
    }
  }

  public sealed interface Change {}

  /** {@code deadline} is due at {@code at}, replacing any earlier time for it. */
  public record Due(Deadline deadline, Instant at) implements Change {}

  public record Settled(Deadline deadline) implements Change {}

  /** The turn ended: nothing of it is due any more. */
  public record AllSettled() implements Change {}

  /** What {@code event} makes due or settles. */
  public List<Change> after(Session.Event event) {
    if (event instanceof Session.TurnStarted e) {
      return List.of(new Due(new Deadline(Kind.RUNNING_TURN, null), e.at().plus(turnCheck)));
    } else if (event instanceof Session.UserMessageAccepted e) {
      // its turn starts once the agent answers: a node that stops in between leaves a message that only a wake-up starts
      return List.of(new Due(new Deadline(Kind.RUNNING_TURN, null), e.at().plus(turnCheck)));
    } else if (event instanceof Session.ToolCallRequested e && !e.requiresApproval() && !PlanDraft.isPlan(e.call().toolName())) {
      return List.of(new Due(Deadline.toolCall(e.call().callId()), e.at().plus(toolTimeout)));
    } else if (event instanceof Session.ApprovalRequested e) {
      return List.of(new Due(Deadline.approval(e.callId()), e.deadline()));
    } else if (event instanceof Session.ApprovalResolved e) {
      return List.of(new Settled(Deadline.approval(e.callId())));
    } else if (event instanceof Session.ToolCallReleased e) {
      return List.of(new Settled(Deadline.approval(e.callId())), new Due(Deadline.toolCall(e.callId()), e.at().plus(toolTimeout)));
    } else if (event instanceof Session.ToolResultRecorded e) {
      return List.of(new Settled(Deadline.toolCall(e.callId())));
    } else if (event instanceof Session.TurnCompleted || event instanceof Session.TurnFailed || event instanceof Session.TurnCancelled) {
      return List.of(new AllSettled());
    }
    return List.of();
  }

  /** What a call still waiting in the state is due for: the same times {@link #after} gave the events that left it waiting. */
  public Due of(SessionState.PendingCall pending) {
    String callId = pending.call().callId();
    return pending.awaitingApproval()
        ? new Due(Deadline.approval(callId), pending.deadline())
        : new Due(Deadline.toolCall(callId), pending.since().plus(toolTimeout));
  }

  /** Everything the running turn of {@code state} waits for (a session recovered or woken). */
  public List<Due> waitingIn(SessionState state) {
    if (!state.hasRunningTurn()) return List.of();
    // a call that waits for approval has its deadline from the event persisted with it
    // a running plan's call waits for its tasks, not for an IDE: the plan checks on them itself (TaskDispatch)
    return state.turn().pending().stream()
        .filter(p -> p.awaitingApproval() || !PlanDraft.isPlan(p.call().toolName()))
        .map(this::of).filter(due -> due.at() != null).toList();
  }
}
