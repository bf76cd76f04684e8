package codelab.edge.session;

import codelab.session.Session;
import codelab.session.SessionUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Follows one task session of a plan for a connection to the plan's parent session, wherever the
 * task session lives, and hands its updates to the connection tagged with the task: its deltas,
 * tool calls and approvals reach the parent's clients. Like the connection itself, it subscribes
 * again, after the last seq it passed on, when the task session moves or restarts; it stops once the
 * task's turn ended for good (a failed turn may be run again after a crash: it waits a while for that).
 */
final class TaskFeed {

  sealed interface Input extends NoSerializationVerificationNeeded {}

  private record Updated(SessionUpdate update) implements Input {}

  private record Stopped(ActorRef<Session.Command> session) implements Input {}

  private enum Done implements Input {
    INSTANCE
  }

  private enum SubscribeAgain implements Input {
    INSTANCE
  }

  /**
   * A task's session is made by the parent's StartTask, sent as task_started goes to clients: a feed
   * may ask before it exists. It asks again, this often, for this long, before it gives up.
   */
  private static final Duration NOT_YET_RETRY = Duration.ofMillis(200);
  private static final int NOT_YET_ATTEMPTS = 200;

  /** How long a failed turn may take to be run again (a node stopped under it) before the feed ends. */
  private static final Duration RERUN_GRACE = Duration.ofSeconds(30);

  /**
   * {@code afterSeq}: 0 for a task that just started (all of it is news); {@code Long.MAX_VALUE} for
   * one found running when the client came back: from now, with its waiting calls sent again
   * ({@code resent}) and its partial text, as for the parent itself.
   */
  static Behavior<Input> create(
      EntityRef<Session.Command> task, String taskId, String userId, long afterSeq, ActorRef<ClientConnection.Input> connection) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new TaskFeed(context, timers, task, taskId, userId, afterSeq, connection).following()));
  }

  private final ActorContext<Input> context;
  private final TimerScheduler<Input> timers;
  private final EntityRef<Session.Command> task;
  private final String taskId;
  private final String userId;
  private final ActorRef<ClientConnection.Input> connection;
  private final ActorRef<SessionUpdate> subscriber;
  private long deliveredSeq;
  private int refusals;
  private ActorRef<Session.Command> watched;

  private TaskFeed(
      ActorContext<Input> context, TimerScheduler<Input> timers, EntityRef<Session.Command> task, String taskId, String userId,
      long afterSeq, ActorRef<ClientConnection.Input> connection) {
    this.context = context;
    this.timers = timers;
    this.task = task;
    this.taskId = taskId;
    this.userId = userId;
    this.connection = connection;
    this.subscriber = context.messageAdapter(SessionUpdate.class, Updated::new);
    this.deliveredSeq = afterSeq;
    task.tell(new Session.Subscribe(userId, afterSeq, subscriber));
  }

  private Behavior<Input> following() {
    return Behaviors.receive(Input.class)
        .onMessage(Updated.class, updated -> onUpdate(updated.update()))
        .onMessage(Stopped.class, this::onStopped)
        .onMessageEquals(Done.INSTANCE, Behaviors::stopped)
        .onMessageEquals(SubscribeAgain.INSTANCE, () -> {
          task.tell(new Session.Subscribe(userId, deliveredSeq, subscriber));
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Input> onUpdate(SessionUpdate update) {
    if (update instanceof SessionUpdate.Subscribed subscribed) {
      // "from now" is the task session's last seq: a re-subscription goes on from there
      deliveredSeq = Math.min(deliveredSeq, subscribed.lastSeq());
      if (!subscribed.session().equals(watched)) {
        if (watched != null) context.unwatch(watched);
        watched = subscribed.session();
        context.watchWith(watched, new Stopped(watched));
      }
      return Behaviors.same();
    }
    if (update instanceof SessionUpdate.SubscriptionRefused) {
      if (++refusals >= NOT_YET_ATTEMPTS) return Behaviors.stopped();
      timers.startSingleTimer(SubscribeAgain.INSTANCE, NOT_YET_RETRY);
      return Behaviors.same();
    }
    // a catch-up goes to the connection as one piece, as the parent's own does
    List<SessionUpdate> passed = new ArrayList<>();
    for (SessionUpdate each : update instanceof SessionUpdate.Batch batch ? batch.updates() : List.of(update)) {
      if (isNew(each) && isPassedOn(each)) passed.add(each);
      followTurn(each);
    }
    if (!passed.isEmpty()) connection.tell(new ClientConnection.TaskUpdated(taskId, task.getEntityId(), passed));
    return Behaviors.same();
  }

  private boolean isNew(SessionUpdate update) {
    long seq = SessionUpdate.seqOf(update);
    if (seq > 0 && seq <= deliveredSeq) return false;
    if (seq > 0) deliveredSeq = seq;
    return true;
  }

  /**
   * What PROTOCOL.md passes on from a task: its deltas, its calls and their approvals; its message is
   * in plan_started, its answer and end in task_completed / task_failed.
   */
  private static boolean isPassedOn(SessionUpdate update) {
    return update instanceof SessionUpdate.AssistantDelta || update instanceof SessionUpdate.ToolCallRequested
        || update instanceof SessionUpdate.ApprovalRequired || update instanceof SessionUpdate.ApprovalResolved
        || update instanceof SessionUpdate.ToolResultRecorded;
  }

  /** The feed ends with the task's turn; a failed turn may be run again (a crash), so it waits a while first. */
  private void followTurn(SessionUpdate update) {
    if (update instanceof SessionUpdate.TurnCompleted || update instanceof SessionUpdate.TurnCancelled) {
      context.getSelf().tell(Done.INSTANCE);
    } else if (update instanceof SessionUpdate.TurnFailed) {
      timers.startSingleTimer(Done.INSTANCE, RERUN_GRACE);
    } else if (update instanceof SessionUpdate.TurnStarted) {
      timers.cancel(Done.INSTANCE);
    }
  }

  private Behavior<Input> onStopped(Stopped stopped) {
    if (!stopped.session().equals(watched)) return Behaviors.same();
    watched = null;
    task.tell(new Session.Subscribe(userId, deliveredSeq, subscriber));
    return Behaviors.same();
  }
}
