package codelab.session;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Delivers what a plan's events decided, through sharding, to the task sessions wherever they live:
 * a started task is sent to its session (again and again, until it reports that it ended: on
 * recovery, on a wake-up and every check interval, so a message or a report lost with a node is
 * sent again; the task session answers a repeat with how it stands), a cancelled one is cancelled
 * there too. In a task session it reports the task's end to the parent.
 */
final class TaskDispatch {

  private static final String CHECK = "plan-check";
  /** A cancel a task session did not confirm is sent again this often, this many times in all (then the recovery's resend covers it). */
  private static final Duration CANCEL_RETRY = Duration.ofSeconds(2);
  private static final int CANCEL_ATTEMPTS = 10;

  private final ActorContext<Session.Command> context;
  private final TimerScheduler<Session.Command> timers;
  private final Sessions sessions;
  private final PlanLimits limits;
  private final Duration askTimeout;

  TaskDispatch(ActorContext<Session.Command> context, TimerScheduler<Session.Command> timers, Sessions sessions, PlanLimits limits,
      Duration askTimeout) {
    this.context = context;
    this.timers = timers;
    this.sessions = sessions;
    this.limits = limits;
    this.askTimeout = askTimeout;
  }

  /** After {@code events} were persisted ({@code newState} is the state after them). */
  void after(List<Session.Event> events, SessionState newState) {
    for (Session.Event event : events) {
      if (event instanceof Session.TaskStarted started) {
        Plan plan = newState.plan(started.planId()).orElseThrow();
        send(newState, plan, plan.task(started.taskId()).orElseThrow());
      } else if (event instanceof Session.TaskFailed failed && PlanSteps.CANCELLED.equals(failed.error())) {
        cancel(newState, failed);
      }
    }
    reportIfEnded(events, newState);
    followChecks(newState);
  }

  /**
   * Sends every running task again (recovery, a wake-up, the check interval): each answers how it
   * stands. The latest plan's cancelled tasks are cancelled again (a cancel lost with a node).
   */
  void resend(SessionState state) {
    for (Plan plan : state.plans()) {
      if (!plan.isRunning()) continue;
      for (Plan.Task task : plan.tasks()) if (task.status() == Plan.TaskStatus.RUNNING) send(state, plan, task);
    }
    if (!state.plans().isEmpty()) {
      Plan latest = state.plans().get(state.plans().size() - 1);
      for (Plan.Task task : latest.tasks()) {
        if (task.sessionId() != null && PlanSteps.CANCELLED.equals(task.error())) cancel(state, latest, task, 1);
      }
    }
    followChecks(state);
  }

  /** A cancel not confirmed is sent again, a few times. */
  void cancelAgain(SessionState state, Session.CancelNotConfirmed unconfirmed) {
    if (unconfirmed.attempt() > CANCEL_ATTEMPTS) return;
    state.plan(unconfirmed.planId()).ifPresent(plan -> plan.task(unconfirmed.taskId())
        .ifPresent(task -> cancel(state, plan, task, unconfirmed.attempt())));
  }

  private void send(SessionState state, Plan plan, Plan.Task task) {
    context.askWithStatus(
        Session.TaskReport.class,
        sessions.session(task.sessionId()),
        askTimeout,
        replyTo -> new Session.StartTask(state.sessionId(), plan.planId(), task.taskId(), state.ownerId(), state.projectId(), task.agentId(),
            task.agentRole(), task.title(), PlanSteps.taskMessage(plan, task), replyTo),
        (report, failure) -> failure == null
            ? new Session.TaskReported(report)
            : new Session.TaskNotAnswered(plan.planId(), task.taskId(), failure.toString()));
  }

  /** A task that had started when its plan was cancelled is stopped in its session too, until the session confirms it. */
  private void cancel(SessionState state, Session.TaskFailed failed) {
    state.plan(failed.planId()).ifPresent(plan -> plan.task(failed.taskId()).filter(t -> t.sessionId() != null)
        .ifPresent(task -> cancel(state, plan, task, 1)));
  }

  private void cancel(SessionState state, Plan plan, Plan.Task task, int attempt) {
    context.askWithStatus(
        Session.TaskReport.class,
        sessions.session(task.sessionId()),
        askTimeout,
        replyTo -> new Session.CancelTask(state.sessionId(), plan.planId(), task.taskId(), state.ownerId(), state.projectId(), task.agentId(),
            task.agentRole(), task.title(), replyTo),
        (report, failure) -> {
          if (failure == null) return new Session.TaskNotAnswered(plan.planId(), task.taskId(), "cancel confirmed");
          timers.startSingleTimer("cancel:" + task.sessionId(), new Session.CancelNotConfirmed(plan.planId(), task.taskId(), attempt + 1), CANCEL_RETRY);
          return new Session.TaskNotAnswered(plan.planId(), task.taskId(), "cancel not confirmed: " + failure);
        });
  }

  /** A task session whose turn ended for good tells its parent; the parent's repeated StartTask covers a report lost on the way. */
  private void reportIfEnded(List<Session.Event> events, SessionState state) {
    SessionState.TaskOf task = state.task();
    if (task == null || !task.status().ended() || state.hasRunningTurn()) return;
    boolean ended = events.stream().anyMatch(e ->
        e instanceof Session.TurnCompleted || e instanceof Session.TurnFailed || e instanceof Session.TurnCancelled);
    if (ended) sessions.session(task.parentSessionId()).tell(new Session.TaskReported(report(state)));
  }

  static Session.TaskReport report(SessionState state) {
    SessionState.TaskOf task = state.task();
    return new Session.TaskReport(task.planId(), task.taskId(), state.sessionId(), task.status(), task.result(), task.error());
  }

  private void followChecks(SessionState state) {
    boolean running = state.plans().stream().anyMatch(Plan::isRunning);
    if (running && !timers.isTimerActive(CHECK)) timers.startTimerWithFixedDelay(CHECK, Session.PlanCheckDue.INSTANCE, limits.checkInterval());
    else if (!running) timers.cancel(CHECK);
  }
}
