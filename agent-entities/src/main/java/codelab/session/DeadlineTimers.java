package codelab.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The session's deadlines while it is in memory: a timer per due deadline, which sends the entity
 * the command that settles it, and what an overdue one comes to. The durable wake-up table follows
 * the same {@link Deadlines}, for when the entity is not in memory.
 */
final class DeadlineTimers {

  private final TimerScheduler<Session.Command> timers;
  private final Deadlines deadlines;
  private final Clock clock;

  DeadlineTimers(TimerScheduler<Session.Command> timers, Deadlines deadlines, Clock clock) {
    this.timers = timers;
    this.deadlines = deadlines;
    this.clock = clock;
  }

  /** Follows what persisted events made due or settled. */
  void follow(List<Session.Event> events) {
    for (Session.Event event : events) deadlines.after(event).forEach(this::follow);
  }

  private void follow(Deadlines.Change change) {
    if (change instanceof Deadlines.Due due) {
      arm(due);
    } else if (change instanceof Deadlines.Settled settled) {
      timers.cancel(settled.deadline().key());
    } else {
      timers.cancelAll();
    }
  }

  /** A recovered session's calls wait as they did before the stop. */
  void armWaiting(SessionState state) {
    deadlines.waitingIn(state).forEach(this::arm);
  }

  /** Whatever is overdue is settled now, each by its own command. */
  void settleOverdue(SessionState state, ActorRef<Session.Command> self) {
    for (Deadlines.Due due : deadlines.waitingIn(state)) settling(due.deadline()).ifPresent(self::tell);
  }

  /** An approval still waiting expires; a timer that fired early (a clock between nodes, a restart) looks again. */
  List<Session.Event> expire(SessionState state, Session.ExpireApproval cmd) {
    Optional<SessionState.Approval> approval = state.approval(cmd.callId());
    if (approval.isEmpty() || !approval.get().isPending()) return List.of();
    if (notYet(new Deadlines.Due(Deadlines.Deadline.approval(cmd.callId()), approval.get().deadline()))) return List.of();
    return List.of(new Session.ApprovalResolved(cmd.callId(), ApprovalDecision.EXPIRED, null, null, null, clock.instant()));
  }

  /** A call the IDE did not answer in time is answered for the model with an error. */
  List<Session.Event> timeOut(SessionState state, Session.ToolCallTimedOut cmd) {
    Optional<SessionState.PendingCall> pending = state.pendingCall(cmd.callId());
    if (pending.isEmpty() || pending.get().awaitingApproval() || notYet(deadlines.of(pending.get()))) return List.of();
    String error = "the IDE did not answer within " + deadlines.toolTimeout().toSeconds() + " s";
    return List.of(new Session.ToolResultRecorded(cmd.callId(), null, error, null, clock.instant()));
  }

  private boolean notYet(Deadlines.Due due) {
    if (!clock.instant().isBefore(due.at())) return false;
    arm(due);
    return true;
  }

  /** A deadline already past fires at once. */
  private void arm(Deadlines.Due due) {
    settling(due.deadline()).ifPresent(command -> {
      Duration left = Duration.between(clock.instant(), due.at());
      timers.startSingleTimer(due.deadline().key(), command, left.isNegative() ? Duration.ZERO : left);
    });
  }

  /** The command that settles {@code deadline} once it is due; its handler checks that it is. */
  private static Optional<Session.Command> settling(Deadlines.Deadline deadline) {
    return switch (deadline.kind()) {
      case APPROVAL -> Optional.of(new Session.ExpireApproval(deadline.callId()));
      case TOOL_CALL -> Optional.of(new Session.ToolCallTimedOut(deadline.callId()));
      case RUNNING_TURN -> Optional.empty();
    };
  }
}
