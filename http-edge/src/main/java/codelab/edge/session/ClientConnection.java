package codelab.edge.session;

import codelab.edge.WireJson;
import codelab.edge.auth.LoggedOutEverywhere;
import org.apache.pekko.actor.typed.pubsub.Topic;
import codelab.session.Session;
import codelab.session.SessionUpdate;
import codelab.session.application.ApprovalDecisions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * One client connection's side of a session, on the node that holds the connection (a WebSocket, or
 * an event stream, which has no incoming side): it subscribes to the session entity (wherever it
 * lives), turns the client's frames into session commands and the session's updates into server
 * messages, and follows the entity when it moves: when the entity stops (hand-off, rebalance, crash,
 * passivation) it subscribes again with the last {@code seq} it delivered, so the client loses nothing.
 *
 * <p>Outgoing messages go into a bounded queue, and wait in {@link OutgoingFrames} while the client
 * reads; a client that does not read fast enough to keep them within bounds is sent {@code resync}
 * and disconnected, and the turn goes on without it. The connection stops when its client's stream
 * ends ({@link ClientClosed}), and the session, which watches it, drops the subscription.
 *
 * <p>While a plan of the session runs, each running task's session is followed too ({@link TaskFeed}):
 * its frames go to the client with {@code task_id}, and the client's answers to them (a tool result,
 * a decision) go to that task's session, found by the frame's {@code task_id} or by the call id.
 */
final class ClientConnection extends AbstractBehavior<ClientConnection.Input> {

  /**
   * What a connection hears: its socket's incoming side, and, through message adapters, the session's
   * updates and answers and the log-out-everywhere topic. None of it leaves this node (the adapters'
   * ref is what the session on another node holds and watches).
   */
  sealed interface Input extends NoSerializationVerificationNeeded {}

  /** The socket's incoming side, one frame at a time: its text, or what was wrong with it. */
  record ClientFrame(String text, String problem, ActorRef<FrameAck> ackTo) implements Input {}

  record ClientStarted(ActorRef<FrameAck> ackTo) implements Input {}

  enum ClientClosed implements Input {
    INSTANCE
  }

  enum FrameAck implements NoSerializationVerificationNeeded {
    INSTANCE
  }

  private record SessionStopped(ActorRef<Session.Command> session) implements Input {}

  private record SessionUpdated(SessionUpdate update) implements Input {}

  /** From a {@link TaskFeed}: updates of the session of task {@code taskId} of one of this session's plans. */
  record TaskUpdated(String taskId, String taskSessionId, List<SessionUpdate> updates) implements Input {}

  /** A task feed ended (its task's turn ended, or its session never came): the task may be followed again. */
  private record TaskFeedEnded(String taskSessionId) implements Input {}

  /** The session's answer to one of the client's commands (accepted, decided, or refused). */
  private record SessionAnswered(StatusReply<?> reply) implements Input {}

  /** How a decision that remembers a rule came out ({@code failure}: no answer in time). */
  private record RuleDecisionMade(ApprovalDecisions.Outcome outcome, Throwable failure) implements Input {}

  private record LoggedOut(LoggedOutEverywhere event) implements Input {}

  /** Thrown into the outgoing stream when its buffer overflowed; the stream turns it into {@code resync}. */
  static final class SubscriberTooSlow extends RuntimeException {
    SubscriberTooSlow() {
      super("the client did not keep up with the session's updates", null, false, false);
    }
  }

  static Behavior<Input> create(
      EntityRef<Session.Command> session,
      String userId,
      long afterSeq,
      BoundedSourceQueue<List<ServerMessage>> out,
      ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut,
      ApprovalDecisions decisions,
      ClientProfile profile,
      String traceId) {
    // its log lines name the session, the user and the trace of the request that opened it
    java.util.Map<String, String> mdc = new java.util.HashMap<>(java.util.Map.of("session_id", session.getEntityId(), "user_id", userId));
    if (traceId != null) mdc.put("trace_id", traceId);
    return Behaviors.withMdc(Input.class, mdc, Behaviors.setup(
        context -> {
          // a user who logs out everywhere loses their open sockets too, on every node
          loggedOut.tell(Topic.subscribe(context.messageAdapter(LoggedOutEverywhere.class, LoggedOut::new)));
          return new ClientConnection(context, session, userId, afterSeq, out, decisions, profile, traceId);
        }));
  }

  private final EntityRef<Session.Command> session;
  private final String userId;
  private final BoundedSourceQueue<List<ServerMessage>> out;
  private final ApprovalDecisions decisions;
  /** For the CodeLab IDE: what it is sent, and what its answers mean; null for any other client. */
  private final CodeLabIdeFrames ide;
  /** The trace of the request that opened the connection: its messages' model calls carry it. */
  private final String traceId;
  /** The highest {@code seq} delivered to the client; a re-subscription continues after it. */
  private long deliveredSeq;
  private boolean informed;
  /** Answers to the client's own frames that came before session_info, which must be the first message. */
  private final List<ServerMessage> beforeInfo = new ArrayList<>();
  /**
   * After a {@code resume} the session replays from the client's seq: updates already on their way
   * from the earlier subscription are dropped until the new one is confirmed.
   */
  private Long resumingAfter;
  private ActorRef<Session.Command> watchedSession;
  /** What the session follows and sends its updates to; the session watches it to drop it when the socket goes. */
  private final ActorRef<SessionUpdate> subscriber;
  /** The running tasks' sessions by task id, and by the calls they sent: where the client's answers to them go. */
  private final Map<String, String> taskSessions = new HashMap<>();
  private final Map<String, String> callTasks = new HashMap<>();
  /** Task sessions followed on this connection, once each: a task's frames are not sent twice. */
  private final Set<String> followed = new HashSet<>();
  /** Where the session answers the client's commands; typed per command by {@link #answers()}. */
  private final ActorRef<StatusReply<?>> answers;

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ClientConnection(
      ActorContext<Input> context,
      EntityRef<Session.Command> session,
      String userId,
      long afterSeq,
      BoundedSourceQueue<List<ServerMessage>> out,
      ApprovalDecisions decisions,
      ClientProfile profile,
      String traceId) {
    super(context);
    this.traceId = traceId;
    this.ide = profile == ClientProfile.CODELAB_IDE ? new CodeLabIdeFrames() : null;
    this.session = session;
    this.userId = userId;
    this.out = out;
    this.decisions = decisions;
    this.deliveredSeq = afterSeq;
    this.subscriber = context.messageAdapter(SessionUpdate.class, SessionUpdated::new);
    this.answers = (ActorRef) context.messageAdapter(StatusReply.class, reply -> new SessionAnswered(reply));
    subscribe(afterSeq);
  }

  @Override
  public Receive<Input> createReceive() {
    return newReceiveBuilder()
        .onMessage(SessionUpdated.class, updated -> onUpdate(updated.update()))
        .onMessage(SessionAnswered.class, answered -> onReply(answered.reply()))
        .onMessage(TaskUpdated.class, this::onTaskUpdate)
        .onMessage(TaskFeedEnded.class, ended -> {
          followed.remove(ended.taskSessionId());
          return this;
        })
        .onMessage(RuleDecisionMade.class, this::onRuleDecisionMade)
        .onMessage(ClientStarted.class, started -> ack(started.ackTo()))
        .onMessage(ClientFrame.class, this::onFrame)
        .onMessage(SessionStopped.class, this::onSessionStopped)
        .onMessage(LoggedOut.class, loggedOut -> onLoggedOutEverywhere(loggedOut.event()))
        .onMessage(ClientClosed.class, closed -> Behaviors.stopped())
        .build();
  }

  private void subscribe(long afterSeq) {
    session.tell(new Session.Subscribe(userId, afterSeq, subscriber));
  }

  /** The answers' ref as the type a command's {@code replyTo} names; every answer is a {@link StatusReply}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private <T> ActorRef<StatusReply<T>> answers() {
    return (ActorRef) answers;
  }

  // ---------------------------------------------------------------- session → client

  private Behavior<Input> onUpdate(SessionUpdate update) {
    if (update instanceof SessionUpdate.Subscribed subscribed) {
      follow(subscribed.session());
      // a client's after_seq beyond the session's end means "from now": never skip what comes next
      deliveredSeq = Math.min(resumingAfter != null ? resumingAfter : deliveredSeq, subscribed.lastSeq());
      resumingAfter = null;
      // the plans' running tasks, to follow those this connection does not follow yet (a client that comes back mid-plan)
      session.tell(new Session.GetPlans(userId, answers()));
      if (!informed) {
        informed = true;
        List<ServerMessage> first = new ArrayList<>();
        first.add(WireMessages.sessionInfo(subscribed));
        first.addAll(beforeInfo);
        beforeInfo.clear();
        return send(first);
      }
      return this;
    }
    if (update instanceof SessionUpdate.SubscriptionRefused refused) {
      send(List.of(WireMessages.error(refused.temporary() ? "unavailable" : "not_found", refused.reason())));
      return closing();
    }
    if (resumingAfter != null) return this;
    if (update instanceof SessionUpdate.Batch batch) {
      // a catch-up: its task_started are history (the plans' running tasks are followed from the plans' list)
      List<ServerMessage> frames = new ArrayList<>();
      for (SessionUpdate each : batch.updates()) wireIfNew(each).ifPresent(frames::add);
      return frames.isEmpty() ? this : send(frames);
    }
    // a task that starts now is followed from its start
    if (update instanceof SessionUpdate.TaskStarted started && SessionUpdate.seqOf(update) > deliveredSeq) {
      follow(started.taskId(), started.sessionId(), 0);
    }
    return wireIfNew(update).map(frame -> send(List.of(frame))).orElse(this);
  }

  /** The wire form of an update the client has not had yet (a re-subscription may replay some). */
  private Optional<ServerMessage> wireIfNew(SessionUpdate update) {
    long seq = SessionUpdate.seqOf(update);
    if (seq > 0 && seq <= deliveredSeq) return Optional.empty();
    if (seq > 0) deliveredSeq = seq;
    return Optional.ofNullable(WireMessages.of(update));
  }

  /** Follows a task's session (after {@code afterSeq}, see {@link TaskFeed#create}) while no feed of this connection does. */
  private void follow(String taskId, String taskSessionId, long afterSeq) {
    taskSessions.put(taskId, taskSessionId);
    if (!followed.add(taskSessionId)) return;
    EntityRef<Session.Command> task = Session.entityRef(getContext().getSystem(), taskSessionId);
    ActorRef<TaskFeed.Input> feed = getContext().spawnAnonymous(TaskFeed.create(task, taskId, userId, afterSeq, getContext().getSelf()));
    getContext().watchWith(feed, new TaskFeedEnded(taskSessionId));
  }

  private Behavior<Input> onTaskUpdate(TaskUpdated updated) {
    List<ServerMessage> frames = new ArrayList<>();
    for (SessionUpdate update : updated.updates()) {
      ServerMessage frame = WireMessages.of(update);
      if (frame == null) continue;
      if (update instanceof SessionUpdate.ToolCallRequested call) callTasks.put(call.callId(), updated.taskSessionId());
      if (update instanceof SessionUpdate.ApprovalRequired approval) callTasks.put(approval.callId(), updated.taskSessionId());
      frames.add(new ServerMessage.ForTask(updated.taskId(), updated.taskSessionId(), frame));
    }
    return frames.isEmpty() ? this : send(frames);
  }

  private Behavior<Input> onLoggedOutEverywhere(LoggedOutEverywhere loggedOut) {
    if (!loggedOut.userId().equals(userId)) return this;
    send(List.of(WireMessages.error("revoked", "you logged out everywhere; log in again")));
    return closing();
  }

  /**
   * Ends the socket after the frames already queued: the outgoing stream completes after them. This
   * actor is also the incoming side's sink; stopping it now would cancel the socket before its last
   * frames (resync, an error) are written, so it waits for the stream's end.
   */
  private Behavior<Input> closing() {
    out.complete();
    return closed();
  }

  /** The outgoing stream has ended (completed or failed into resync); wait for the socket to go. */
  private Behavior<Input> closed() {
    getContext().setReceiveTimeout(java.time.Duration.ofSeconds(10), ClientClosed.INSTANCE);
    return Behaviors.receive(Input.class)
        .onMessage(ClientFrame.class, frame -> {
          frame.ackTo().tell(FrameAck.INSTANCE);
          return Behaviors.same();
        })
        .onMessageEquals(ClientClosed.INSTANCE, Behaviors::stopped)
        .onAnyMessage(ignored -> Behaviors.same())
        .build();
  }

  private void follow(ActorRef<Session.Command> entity) {
    if (entity.equals(watchedSession)) return;
    if (watchedSession != null) getContext().unwatch(watchedSession);
    watchedSession = entity;
    getContext().watchWith(entity, new SessionStopped(entity));
  }

  private Behavior<Input> onSessionStopped(SessionStopped stopped) {
    if (!stopped.session().equals(watchedSession)) return this;
    watchedSession = null;
    // the entity is starting again, maybe on another node; sharding buffers the subscription until
    // it is there, and since the client's next command goes the same way, it cannot overtake it
    subscribe(deliveredSeq);
    return this;
  }

  private Behavior<Input> onReply(StatusReply<?> reply) {
    if (reply.isError()) {
      String message = reply.getError().getMessage();
      return reply(WireMessages.error(WireMessages.codeOf(message), message));
    }
    if (reply.getValue() instanceof Session.Plans plans) {
      plans.plans().stream().filter(codelab.session.Plan::isRunning).flatMap(p -> p.tasks().stream())
          .filter(t -> t.status() == codelab.session.Plan.TaskStatus.RUNNING)
          .forEach(t -> follow(t.taskId(), t.sessionId(), Long.MAX_VALUE));
      return this;
    }
    if (reply.getValue() instanceof Session.Accepted accepted && accepted.duplicate()) {
      // a retry: the first acceptance was already broadcast, answer this one directly
      return reply(WireMessages.messageAccepted(accepted.seq(), accepted.operationId(), accepted.content()));
    }
    return this;
  }

  /** An answer to the client's own frame; held back until session_info has gone out. */
  private Behavior<Input> reply(ServerMessage message) {
    if (!informed) {
      beforeInfo.add(message);
      return this;
    }
    return send(List.of(message));
  }

  /** Messages go out together as one element of the bounded queue: a catch-up batch counts once. The IDE gets its own frames. */
  private Behavior<Input> send(List<ServerMessage> messages) {
    if (ide == null) return offer(messages);
    CodeLabIdeFrames.Translated translated = ide.translate(messages);
    for (CodeLabIdeFrames.Unrunnable call : translated.unrunnable()) answerForIde(call);
    return translated.frames().isEmpty() ? this : offer(translated.frames());
  }

  /** A call the IDE cannot run is answered for it (a rejection, if it waited for approval), so the agent hears why. */
  private void answerForIde(CodeLabIdeFrames.Unrunnable call) {
    ActorRef<StatusReply<Session.Decision>> nobody = getContext().getSystem().ignoreRef();
    ActorRef<StatusReply<org.apache.pekko.Done>> nobodyElse = getContext().getSystem().ignoreRef();
    session.tell(call.awaitingApproval()
        ? new Session.Decide(userId, call.callId(), "reject", null, call.reason(), nobody)
        : new Session.RecordToolResult(userId, call.callId(), null, call.reason(), null, nobodyElse));
  }

  private Behavior<Input> offer(List<ServerMessage> messages) {
    QueueOfferResult result = out.offer(messages);
    if (result == QueueOfferResult.dropped()) {
      ConnectionMeters.droppedAsSlow();
      out.fail(new SubscriberTooSlow());
      return closed();
    }
    if (result instanceof QueueOfferResult.Failure || result == QueueOfferResult.closed()) return Behaviors.stopped();
    return this;
  }

  // ---------------------------------------------------------------- client → session

  private Behavior<Input> onFrame(ClientFrame frame) {
    Behavior<Input> next = frame.problem() != null ? reply(WireMessages.error("invalid_message", frame.problem())) : handle(frame.text());
    frame.ackTo().tell(FrameAck.INSTANCE);
    return next;
  }

  private Behavior<Input> handle(String text) {
    JsonNode message;
    try {
      message = WireJson.CLIENT_READER.readTree(text);
    } catch (JsonProcessingException e) {
      return reply(WireMessages.error("invalid_json", "the message is not valid JSON: one object, each key once, nothing after it"));
    }
    if (message == null || !message.isObject()) return reply(WireMessages.error("invalid_json", "the message must be a JSON object"));
    String type = message.path("type").asText("");
    switch (type) {
      case "ping":
        return reply(WireMessages.pong());
      case "user_message":
        return tell(ClientCommands.userMessage(userId, message, traceId));
      case "switch_agent":
        return tell(ClientCommands.switchAgent(userId, message));
      case "resume":
        return onResume(message);
      case "tool_result":
        if (ide != null) return ideToolResult(message);
        return toSessionOfCall(message).map(target -> tell(target, ClientCommands.toolResult(userId, message))).orElseGet(this::noSuchTask);
      case "hitl_decision":
        return toSessionOfCall(message)
            .map(target -> ClientCommands.remembers(message) ? decideAndRemember(target, message) : tell(target, ClientCommands.decision(userId, message)))
            .orElseGet(this::noSuchTask);
      case "cancel":
        return tell(ClientCommands.cancel(userId, message));
      case "":
        return reply(WireMessages.error("invalid_message", "the message has no 'type'"));
      default:
        return reply(WireMessages.error("unknown_type", "unknown message type '" + type + "'"));
    }
  }

  /** The session's answer comes back as {@link SessionAnswered}; a message that is not a command is answered here. */
  private <T> Behavior<Input> tell(ClientCommands.Parsed<T> parsed) {
    return tell(session, parsed);
  }

  private <T> Behavior<Input> tell(EntityRef<Session.Command> target, ClientCommands.Parsed<T> parsed) {
    if (parsed instanceof ClientCommands.Parsed.Invalid<T> invalid) return reply(WireMessages.error("invalid_message", invalid.problem()));
    target.tell(((ClientCommands.Parsed.Valid<T>) parsed).command().apply(answers()));
    return this;
  }

  /**
   * Where an answer to a call goes: the task session that sent the call (known by its call id), or
   * the one of the task it names ({@code task_id}); else this session. Empty for a task this
   * connection does not know.
   */
  private Optional<EntityRef<Session.Command>> toSessionOfCall(JsonNode message) {
    String taskId = ClientCommands.textOrNull(message, "task_id");
    String taskSession = callTasks.get(ClientCommands.textOrNull(message, "call_id"));
    if (taskSession == null && taskId != null) taskSession = taskSessions.get(taskId);
    if (taskId != null && taskSession == null) return Optional.empty();
    if (taskSession == null) return Optional.of(session);
    return Optional.of(Session.entityRef(getContext().getSystem(), taskSession));
  }

  /**
   * The IDE's answer to a call: passed on unless the call was decided elsewhere meanwhile (then its
   * dialog's answer means nothing); its dialog is free for the next call waiting for approval.
   */
  private Behavior<Input> ideToolResult(JsonNode message) {
    String callId = ClientCommands.textOrNull(message, "call_id");
    Behavior<Input> next = ide.answered(callId) ? tell(ClientCommands.toolResult(userId, message)) : this;
    List<ServerMessage> dialog = ide.nextForDialog();
    return dialog.isEmpty() ? next : offer(dialog);
  }

  private Behavior<Input> noSuchTask() {
    return reply(WireMessages.error("not_found", "no task of a running plan has this task_id"));
  }

  /** A decision that remembers a rule goes through the decision service, as over REST; its approval_resolved comes from the session. */
  private Behavior<Input> decideAndRemember(EntityRef<Session.Command> target, JsonNode message) {
    String callId = ClientCommands.textOrNull(message, "call_id");
    ClientCommands.RememberedDecision read = ClientCommands.rememberedDecision(userId, target.getEntityId(), callId, message);
    if (read instanceof ClientCommands.RememberedDecision.Invalid invalid) return reply(WireMessages.error("invalid_message", invalid.problem()));
    getContext().pipeToSelf(decisions.decide(((ClientCommands.RememberedDecision.Valid) read).request()), RuleDecisionMade::new);
    return this;
  }

  private Behavior<Input> onRuleDecisionMade(RuleDecisionMade made) {
    if (made.failure() != null) {
      return reply(WireMessages.error("unavailable", "the decision was not confirmed in time; its rule may exist: see the project's approval rules"));
    }
    if (made.outcome() instanceof ApprovalDecisions.Invalid invalid) return reply(WireMessages.error("invalid_message", invalid.problem()));
    if (made.outcome() instanceof ApprovalDecisions.Refused refused) {
      return reply(WireMessages.error(WireMessages.codeOf(refused.reason()), refused.reason().message()));
    }
    return this;
  }

  private Behavior<Input> onResume(JsonNode message) {
    JsonNode afterSeq = message.get("after_seq");
    if (afterSeq == null || !afterSeq.canConvertToLong() || afterSeq.asLong() < 0) {
      return reply(WireMessages.error("invalid_message", "resume needs a non-negative integer 'after_seq'"));
    }
    resumingAfter = afterSeq.asLong();
    subscribe(resumingAfter);
    return this;
  }

  private Behavior<Input> ack(ActorRef<FrameAck> ackTo) {
    ackTo.tell(FrameAck.INSTANCE);
    return this;
  }
}
