package codelab.session;

import codelab.JsonSerializable;
import codelab.agent.AgentProfile;
import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmException;
import codelab.llm.LlmMessage;
import codelab.llm.LlmRequest;
import codelab.llm.LlmToolCall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * A chat session: the conversation and the durable turn state machine, one event-sourced entity per
 * session, sharded over the cluster.
 *
 * <p>A turn is a loop of steps. A step is one model call: its deltas are relayed to subscribers as
 * they arrive (not persisted one by one) and its outcome is persisted: the final answer, or the tool
 * calls the model asked for. Tool calls run in the IDE; those the agent's policy marks as dangerous
 * first wait for a human's decision, which is itself a persisted command, with a deadline. When every
 * call of a step has its result (or its rejection), the next step starts, up to the step limit.
 *
 * <p>A model call interrupted by a node stop is found on recovery: the turn gets a visible
 * {@code turn_failed} and is re-run under a new turn id (its context, with the tool results so far,
 * is in the journal), at most {@link Settings#maxTurnAttempts()} times. Waiting tool calls and
 * approvals need no model call: their timers are armed again on recovery, and approval deadlines are
 * also swept from a durable table so that they fire when no one wakes the entity.
 */
public final class Session
    extends EventSourcedBehaviorWithEnforcedReplies<Session.Command, Session.Event, Session.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Session");

  /** Tags for the read sides (approval deadlines, session lists); a fixed set so projections can be split over nodes. */
  public static final int TAG_COUNT = 4;

  public static List<String> tags() {
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < TAG_COUNT; i++) tags.add("session-" + i);
    return tags;
  }

  /** Errors the edge maps to its error codes; a foreign session is "not found", never "forbidden". */
  public static final String NOT_FOUND = "session not found";
  public static final String ALREADY_EXISTS = "session already exists";
  public static final String UNKNOWN_AGENT = "unknown agent type";
  public static final String EMPTY_MESSAGE = "message content is empty";
  public static final String CALL_NOT_FOUND = "tool call not found";
  public static final String CALL_ALREADY_ANSWERED = "tool call already answered";
  public static final String ALREADY_DECIDED = "approval already decided";
  public static final String APPROVAL_EXPIRED = "approval expired";
  public static final String NOT_AWAITING_APPROVAL = "tool call does not wait for approval";
  public static final String INVALID_DECISION = "decision must be approve, edit or reject";
  public static final String ARGUMENTS_REQUIRED = "an edit needs modified_arguments, a JSON object";
  public static final String NO_RUNNING_TURN = "no turn is running";

  /**
   * @param maxSteps model calls per turn before the turn fails (a model that keeps asking for tools)
   * @param toolTimeout how long the IDE has to answer a tool call before the model is told it failed
   * @param approvalTimeout how long an approval waits for a human before it expires (a rejection)
   * @param idleTimeout how long a session with no turn and no subscriber stays in memory
   */
  public record Settings(
      String readJournalPluginId,
      int snapshotEvery,
      int maxTurnAttempts,
      int maxSteps,
      Duration toolTimeout,
      Duration approvalTimeout,
      Duration idleTimeout) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  // ---------------------------------------------------------------- commands

  public sealed interface Command {}

  public record Create(
      String userId, String projectId, String title, String agentType, ActorRef<StatusReply<Summary>> replyTo)
      implements Command, JsonSerializable {}

  public record GetSummary(String userId, ActorRef<StatusReply<Summary>> replyTo) implements Command, JsonSerializable {}

  public record GetHistory(String userId, ActorRef<StatusReply<History>> replyTo) implements Command, JsonSerializable {}

  public record GetPendingApprovals(String userId, ActorRef<StatusReply<PendingApprovals>> replyTo)
      implements Command, JsonSerializable {}

  /** A user message; {@code operationId} (optional) makes a retry harmless. */
  public record PostUserMessage(
      String userId, String content, String agentType, String operationId, ActorRef<StatusReply<Accepted>> replyTo)
      implements Command, JsonSerializable {}

  public record SwitchAgent(String userId, String agentType, String reason, ActorRef<StatusReply<Done>> replyTo)
      implements Command, JsonSerializable {}

  /**
   * The IDE's answer to a tool call: {@code resultJson} (a JSON object) or {@code error}. For a call
   * still waiting for approval it is the decision too: a result approves it, an error rejects it.
   */
  public record RecordToolResult(
      String userId, String callId, String resultJson, String error, ActorRef<StatusReply<Done>> replyTo)
      implements Command, JsonSerializable {}

  /** A human's decision on a waiting call: approve, edit (approve with {@code modifiedArgumentsJson}) or reject. */
  public record Decide(
      String userId,
      String callId,
      String decision,
      String modifiedArgumentsJson,
      String feedback,
      ActorRef<StatusReply<Decision>> replyTo)
      implements Command, JsonSerializable {}

  /** From the deadline sweeper (any node) or the entity's own timer: expire the approval if its deadline passed. */
  public record ExpireApproval(String callId) implements Command, JsonSerializable {}

  public record CancelTurn(String userId, ActorRef<StatusReply<Done>> replyTo) implements Command, JsonSerializable {}

  /**
   * From the wake-up sweeper: the session may have something due (a deadline, a timeout) and no one
   * else to wake it. Starting the entity is half the work: recovery finds an interrupted model call.
   */
  public record Wake() implements Command, JsonSerializable {}

  /**
   * Follow the session: the subscriber gets {@link SessionUpdate.Subscribed}, then every persisted
   * update after {@code afterSeq}, then the running turn's partial text and its unanswered tool
   * calls, then live updates.
   */
  public record Subscribe(String userId, long afterSeq, ActorRef<SessionUpdate> subscriber)
      implements Command, JsonSerializable {}

  public record Unsubscribe(ActorRef<SessionUpdate> subscriber) implements Command, JsonSerializable {}

  /** The acknowledgement the model stream waits for before it sends the next element (backpressure). */
  enum ModelAck {
    INSTANCE
  }

  // Messages the entity sends itself; they never leave the node.
  record ModelStreamStarted(String turnId, ActorRef<ModelAck> ackTo) implements Command, NoSerializationVerificationNeeded {}

  record ModelOutput(String turnId, LlmEvent event, ActorRef<ModelAck> ackTo) implements Command, NoSerializationVerificationNeeded {}

  record ModelStreamEnded(String turnId) implements Command, NoSerializationVerificationNeeded {}

  record ModelStreamFailed(String turnId, String error) implements Command, NoSerializationVerificationNeeded {}

  record InterruptedTurnFound(String turnId) implements Command, NoSerializationVerificationNeeded {}

  record ToolCallTimedOut(String callId) implements Command, NoSerializationVerificationNeeded {}

  /** Nothing arrived for a while: passivate if no turn runs and no one follows the session. */
  enum Idle implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  record SubscriberGone(ActorRef<SessionUpdate> subscriber) implements Command, NoSerializationVerificationNeeded {}

  record CatchUpLoaded(ActorRef<SessionUpdate> subscriber, int generation, List<SessionUpdate> updates)
      implements Command, NoSerializationVerificationNeeded {}

  // ---------------------------------------------------------------- replies

  public record Summary(
      String sessionId,
      String ownerId,
      String projectId,
      String title,
      int messageCount,
      Instant createdAt,
      Instant lastActivity,
      boolean active,
      String currentAgent,
      long lastSeq)
      implements JsonSerializable {}

  public record History(String sessionId, List<State.ChatMessage> messages, Instant lastActivity, String currentAgent)
      implements JsonSerializable {}

  public record PendingApprovals(String sessionId, List<State.Approval> approvals) implements JsonSerializable {}

  /** {@code duplicate}: the operation id was seen before; nothing new was started. */
  public record Accepted(long seq, String operationId, String content, boolean duplicate) implements JsonSerializable {}

  public record Decision(String callId, String decision) implements JsonSerializable {}

  public record Usage(int promptTokens, int completionTokens) implements JsonSerializable {}

  /** A tool call as the session knows it: its own id (what clients see) and the model's id for it. */
  public record ToolCall(String callId, String providerCallId, String toolName, String argumentsJson)
      implements JsonSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends JsonSerializable {}

  public record SessionCreated(
      String sessionId, String ownerId, String projectId, String title, String agentType, Instant at)
      implements Event {}

  public record UserMessageAccepted(String operationId, String content, Instant at) implements Event {}

  public record TurnStarted(String turnId, int attempt, Instant at) implements Event {}

  /**
   * The model asked for a tool in step {@code step}; {@code stepText} is what it said before asking,
   * {@code stepDeltas} how many deltas that text came in (the next step's deltas continue after them).
   */
  public record ToolCallRequested(
      String turnId, int step, ToolCall call, boolean requiresApproval, String stepText, int stepDeltas, Instant at)
      implements Event {}

  public record ApprovalRequested(
      String turnId, String callId, String toolName, String argumentsJson, String reason, Instant deadline, Instant at)
      implements Event {}

  /** {@code decision}: approve, edit, reject or expired; {@code argumentsJson} what is to run (approve, edit). */
  public record ApprovalResolved(String callId, String decision, String argumentsJson, String feedback, Instant at)
      implements Event {}

  /** An approved call, sent to the IDE for execution. */
  public record ToolCallReleased(String turnId, String callId, String toolName, String argumentsJson, Instant at) implements Event {}

  public record ToolResultRecorded(String callId, String resultJson, String error, Instant at) implements Event {}

  public record AssistantReplied(String turnId, String content, Usage usage, Instant at) implements Event {}

  public record TurnCompleted(String turnId, Instant at) implements Event {}

  public record TurnFailed(String turnId, String error, Instant at) implements Event {}

  public record TurnCancelled(String turnId, Instant at) implements Event {}

  public record AgentSwitched(String fromAgent, String toAgent, String reason, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  /**
   * The durable state of a session: what the journal says, nothing that only lives while a node runs
   * (subscribers, the model stream of a running step and timers live in {@link Session} itself).
   *
   * <p>{@code lastSeq} counts applied events, so it equals the journal sequence number of the last
   * event, also after recovery from a snapshot; it is the {@code seq} clients see.
   */
  public record State(
      String sessionId,
      String ownerId,
      String projectId,
      String title,
      String currentAgent,
      Instant createdAt,
      Instant lastActivity,
      List<ChatMessage> messages,
      List<QueuedMessage> queue,
      Turn turn,
      List<Approval> approvals,
      List<RecentOperation> recentOperations,
      long lastSeq)
      implements JsonSerializable {

    /** How many operation ids are remembered for idempotency; a client retries within seconds, not hundreds of messages. */
    static final int RECENT_OPERATIONS = 256;
    /** Decided approvals kept to answer a late second decision with 409 rather than 404. */
    static final int DECIDED_APPROVALS = 256;

    /** One message of the conversation: user, assistant (maybe with tool calls) or tool (a call's result). */
    public record ChatMessage(
        String role, String content, String turnId, Instant at, List<ToolCall> toolCalls, String toolCallId)
        implements JsonSerializable {
      static ChatMessage of(String role, String content, String turnId, Instant at) {
        return new ChatMessage(role, content, turnId, at, List.of(), null);
      }

      public List<ToolCall> toolCalls() {
        return toolCalls == null ? List.of() : toolCalls;
      }
    }

    /** A user message accepted while another turn runs; it starts its own turn when that one ends. */
    public record QueuedMessage(String operationId, String content, Instant at) implements JsonSerializable {}

    /**
     * The turn in progress. {@code step} counts the model calls that asked for tools so far;
     * {@code deltaCount} and {@code text} are the deltas and text of those steps (the next step's
     * deltas continue the index; the turn's final message is the whole text). {@code pending}: the
     * tool calls of the current step still waiting for a decision or a result.
     */
    public record Turn(
        String turnId, Instant startedAt, int attempt, int step, int deltaCount, String text, List<PendingCall> pending)
        implements JsonSerializable {
      boolean waitsForTools() {
        return !pending.isEmpty();
      }

      Optional<PendingCall> pendingCall(String callId) {
        return pending.stream().filter(p -> p.call().callId().equals(callId)).findFirst();
      }

      Turn withPending(List<PendingCall> newPending) {
        return new Turn(turnId, startedAt, attempt, step, deltaCount, text, List.copyOf(newPending));
      }
    }

    /**
     * A tool call without its result yet: waiting for a human ({@code awaitingApproval}, until
     * {@code deadline}) or for the IDE (since {@code since}). {@code seq} is the event that last
     * sent it to clients, for re-sending to a client that comes back.
     */
    public record PendingCall(ToolCall call, boolean awaitingApproval, long seq, Instant since, Instant deadline, String reason)
        implements JsonSerializable {}

    /** An approval request and, once decided, its outcome ({@code status} pending, approve, edit, reject, expired). */
    public record Approval(
        String requestId, String callId, String toolName, String argumentsJson, String reason, Instant createdAt,
        Instant deadline, String status, long seq)
        implements JsonSerializable {
      boolean isPending() {
        return "pending".equals(status);
      }
    }

    public record RecentOperation(String operationId, long seq) implements JsonSerializable {}

    static State empty() {
      return new State(null, null, null, null, null, null, null, List.of(), List.of(), null, List.of(), List.of(), 0);
    }

    public boolean isCreated() {
      return sessionId != null;
    }

    boolean isOwnedBy(String userId) {
      return isCreated() && ownerId.equals(userId);
    }

    boolean hasRunningTurn() {
      return turn != null;
    }

    Optional<RecentOperation> recentOperation(String operationId) {
      if (operationId == null) return Optional.empty();
      return recentOperations.stream().filter(o -> o.operationId().equals(operationId)).findFirst();
    }

    Optional<Approval> approval(String callId) {
      return approvals.stream().filter(a -> a.callId().equals(callId)).findFirst();
    }

    Summary summary() {
      return new Summary(
          sessionId, ownerId, projectId, title, messages.size(), createdAt, lastActivity, true, currentAgent, lastSeq);
    }

    State apply(Event event) {
      long seq = lastSeq + 1;
      State next;
      if (event instanceof SessionCreated e) {
        next = new State(e.sessionId(), e.ownerId(), e.projectId(), e.title(), e.agentType(), e.at(), e.at(),
            List.of(), List.of(), null, List.of(), List.of(), lastSeq);
      } else if (event instanceof UserMessageAccepted e) {
        next = with(s -> s.queue(append(queue, new QueuedMessage(e.operationId(), e.content(), e.at()))))
            .withRecentOperation(e.operationId(), seq);
      } else if (event instanceof TurnStarted e) {
        next = startTurn(e);
      } else if (event instanceof ToolCallRequested e) {
        next = toolCallRequested(e, seq);
      } else if (event instanceof ApprovalRequested e) {
        next = approvalRequested(e, seq);
      } else if (event instanceof ApprovalResolved e) {
        next = approvalResolved(e);
      } else if (event instanceof ToolCallReleased e) {
        next = updatePending(e.callId(), p -> new PendingCall(
            new ToolCall(p.call().callId(), p.call().providerCallId(), p.call().toolName(), e.argumentsJson()),
            false, seq, e.at(), null, null));
      } else if (event instanceof ToolResultRecorded e) {
        next = answered(e.callId(), e.error() != null ? "Error: " + e.error() : e.resultJson(), e.at());
      } else if (event instanceof AssistantReplied e) {
        next = with(s -> s.messages(append(messages, ChatMessage.of("assistant", e.content(), e.turnId(), e.at()))));
      } else if (event instanceof TurnCompleted || event instanceof TurnFailed || event instanceof TurnCancelled) {
        next = endTurn(atOf(event));
      } else if (event instanceof AgentSwitched e) {
        next = with(s -> s.currentAgent(e.toAgent()));
      } else {
        throw new IllegalArgumentException("unknown event " + event.getClass().getName());
      }
      return next.with(s -> s.lastSeq(seq).lastActivity(atOf(event)));
    }

    /** A first attempt takes the oldest queued message into the conversation; a re-run continues the conversation as it is. */
    private State startTurn(TurnStarted e) {
      Turn started = new Turn(e.turnId(), e.at(), e.attempt(), 0, 0, "", List.of());
      if (e.attempt() > 1 || queue.isEmpty()) return with(s -> s.turn(started));
      QueuedMessage next = queue.get(0);
      return with(s -> s
          .messages(append(messages, ChatMessage.of("user", next.content(), e.turnId(), next.at())))
          .queue(List.copyOf(queue.subList(1, queue.size())))
          .turn(started));
    }

    /** The calls of one step share one assistant message; its first call also carries the step's text. */
    private State toolCallRequested(ToolCallRequested e, long seq) {
      List<ChatMessage> newMessages = new ArrayList<>(messages);
      ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
      boolean sameStep = last != null && last.role().equals("assistant") && e.turnId().equals(last.turnId()) && !last.toolCalls().isEmpty() && turn.step() == e.step();
      Turn t = turn;
      if (sameStep) {
        newMessages.set(newMessages.size() - 1,
            new ChatMessage("assistant", last.content(), last.turnId(), last.at(), append(last.toolCalls(), e.call()), null));
      } else {
        newMessages.add(new ChatMessage("assistant", e.stepText(), e.turnId(), e.at(), List.of(e.call()), null));
        t = new Turn(t.turnId(), t.startedAt(), t.attempt(), e.step(), t.deltaCount() + e.stepDeltas(), t.text() + e.stepText(), t.pending());
      }
      Turn withCall = t.withPending(append(t.pending(), new PendingCall(e.call(), e.requiresApproval(), seq, e.at(), null, null)));
      return with(s -> s.messages(List.copyOf(newMessages)).turn(withCall));
    }

    private State approvalRequested(ApprovalRequested e, long seq) {
      Approval approval = new Approval(
          UUID.nameUUIDFromBytes(("approval:" + e.callId()).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString(),
          e.callId(), e.toolName(), e.argumentsJson(), e.reason(), e.at(), e.deadline(), "pending", seq);
      List<Approval> kept = new ArrayList<>(approvals);
      kept.add(approval);
      while (kept.size() > DECIDED_APPROVALS && !kept.get(0).isPending()) kept.remove(0);
      State withApproval = with(s -> s.approvals(List.copyOf(kept)));
      return withApproval.updatePending(e.callId(), p -> new PendingCall(p.call(), true, p.seq(), p.since(), e.deadline(), e.reason()));
    }

    /** Approve and edit leave the call waiting for its release; reject and expiry answer it with an error the model sees. */
    private State approvalResolved(ApprovalResolved e) {
      List<Approval> updated = approvals.stream()
          .map(a -> a.callId().equals(e.callId())
              ? new Approval(a.requestId(), a.callId(), a.toolName(), a.argumentsJson(), a.reason(), a.createdAt(), a.deadline(), e.decision(), a.seq())
              : a)
          .toList();
      State decided = with(s -> s.approvals(updated));
      return switch (e.decision()) {
        case "approve", "edit" -> decided;
        case "expired" -> decided.answered(e.callId(), "Error: the approval request expired before anyone decided; the call was not run", e.at());
        default -> decided.answered(e.callId(),
            "Error: the user rejected this call" + (e.feedback() == null || e.feedback().isBlank() ? "" : ": " + e.feedback()), e.at());
      };
    }

    /** A call's answer (result, error, rejection) goes into the conversation, and the call stops waiting. */
    private State answered(String callId, String content, Instant at) {
      if (turn == null) return this;
      List<PendingCall> rest = turn.pending().stream().filter(p -> !p.call().callId().equals(callId)).toList();
      ChatMessage toolMessage = new ChatMessage("tool", content, turn.turnId(), at, List.of(), callId);
      return with(s -> s.messages(append(messages, toolMessage)).turn(turn.withPending(rest)));
    }

    /** Calls still waiting when a turn ends are answered with an error: the model's context must pair every call with an answer. */
    private State endTurn(Instant at) {
      State closed = this;
      if (turn != null) {
        for (PendingCall p : turn.pending()) closed = closed.answered(p.call().callId(), "Error: the turn ended before this call was answered", at);
      }
      List<Approval> settled = closed.approvals.stream()
          .map(a -> a.isPending() ? new Approval(a.requestId(), a.callId(), a.toolName(), a.argumentsJson(), a.reason(), a.createdAt(), a.deadline(), "reject", a.seq()) : a)
          .toList();
      return closed.with(s -> s.turn(null).approvals(settled));
    }

    private State updatePending(String callId, UnaryOperator<PendingCall> change) {
      if (turn == null) return this;
      List<PendingCall> updated = turn.pending().stream().map(p -> p.call().callId().equals(callId) ? change.apply(p) : p).toList();
      return with(s -> s.turn(turn.withPending(updated)));
    }

    private State withRecentOperation(String operationId, long seq) {
      if (operationId == null) return this;
      List<RecentOperation> recent = new ArrayList<>(recentOperations);
      recent.add(new RecentOperation(operationId, seq));
      if (recent.size() > RECENT_OPERATIONS) recent = recent.subList(recent.size() - RECENT_OPERATIONS, recent.size());
      List<RecentOperation> kept = List.copyOf(recent);
      return with(s -> s.recentOperations(kept));
    }

    private State with(UnaryOperator<Builder> change) {
      return change.apply(new Builder(this)).build();
    }

    private static Instant atOf(Event event) {
      if (event instanceof SessionCreated e) return e.at();
      if (event instanceof UserMessageAccepted e) return e.at();
      if (event instanceof TurnStarted e) return e.at();
      if (event instanceof ToolCallRequested e) return e.at();
      if (event instanceof ApprovalRequested e) return e.at();
      if (event instanceof ApprovalResolved e) return e.at();
      if (event instanceof ToolCallReleased e) return e.at();
      if (event instanceof ToolResultRecorded e) return e.at();
      if (event instanceof AssistantReplied e) return e.at();
      if (event instanceof TurnCompleted e) return e.at();
      if (event instanceof TurnFailed e) return e.at();
      if (event instanceof TurnCancelled e) return e.at();
      if (event instanceof AgentSwitched e) return e.at();
      throw new IllegalArgumentException("unknown event " + event.getClass().getName());
    }

    private static <T> List<T> append(List<T> list, T element) {
      List<T> copy = new ArrayList<>(list.size() + 1);
      copy.addAll(list);
      copy.add(element);
      return List.copyOf(copy);
    }

    /** Copy-with-changes for the state record, so each event changes only what it is about. */
    private static final class Builder {
      private String currentAgent;
      private Instant lastActivity;
      private List<ChatMessage> messages;
      private List<QueuedMessage> queue;
      private Turn turn;
      private List<Approval> approvals;
      private List<RecentOperation> recentOperations;
      private long lastSeq;
      private final State from;

      Builder(State from) {
        this.from = from;
        this.currentAgent = from.currentAgent;
        this.lastActivity = from.lastActivity;
        this.messages = from.messages;
        this.queue = from.queue;
        this.turn = from.turn;
        this.approvals = from.approvals;
        this.recentOperations = from.recentOperations;
        this.lastSeq = from.lastSeq;
      }

      Builder currentAgent(String v) { currentAgent = v; return this; }
      Builder lastActivity(Instant v) { lastActivity = v; return this; }
      Builder messages(List<ChatMessage> v) { messages = v; return this; }
      Builder queue(List<QueuedMessage> v) { queue = v; return this; }
      Builder turn(Turn v) { turn = v; return this; }
      Builder approvals(List<Approval> v) { approvals = v; return this; }
      Builder recentOperations(List<RecentOperation> v) { recentOperations = v; return this; }
      Builder lastSeq(long v) { lastSeq = v; return this; }

      State build() {
        return new State(from.sessionId, from.ownerId, from.projectId, from.title, currentAgent, from.createdAt,
            lastActivity, messages, queue, turn, approvals, recentOperations, lastSeq);
      }
    }
  }

  // ---------------------------------------------------------------- behavior

  /**
   * Sessions passivate themselves, when idle in the domain's sense (no turn, no subscriber): the
   * sharding's own idle strategy counts only messages through the shard, not a model's stream, and
   * would stop a turn in the middle.
   */
  public static void init(ActorSystem<?> system, LlmClient llm, Settings settings, Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    entity -> Behaviors.setup(context -> {
                      context.setReceiveTimeout(settings.idleTimeout(), Idle.INSTANCE);
                      return Behaviors.withTimers(timers -> new Session(context, timers, entity.getEntityId(), llm, settings, clock, entity.getShard()));
                    }))
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, String sessionId) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, sessionId);
  }

  public static Behavior<Command> create(String sessionId, LlmClient llm, Settings settings, Clock clock) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new Session(context, timers, sessionId, llm, settings, clock, null)));
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String sessionId;
  private final LlmClient llm;
  private final Settings settings;
  private final Clock clock;
  private final Subscribers subscribers = new Subscribers();
  /** The model call of the running turn, while its stream runs on this node. */
  private ModelStep step;
  /** Where to ask for passivation; none outside sharding (tests). */
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  private Session(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String sessionId,
      LlmClient llm,
      Settings settings,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), sessionId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.timers = timers;
    this.sessionId = sessionId;
    this.llm = llm;
    this.settings = settings;
    this.clock = clock;
    this.shard = shard;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("session-" + Math.floorMod(sessionId.hashCode(), TAG_COUNT));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PostStop.instance(), state -> cancelModelStep())
        .build();
  }

  /** A turn without waiting calls was in a model call, which died with its node; waiting calls get their timers back. */
  private void onRecovered(State state) {
    if (!state.hasRunningTurn()) return;
    if (!state.turn().waitsForTools()) {
      context.getSelf().tell(new InterruptedTurnFound(state.turn().turnId()));
      return;
    }
    for (State.PendingCall pending : state.turn().pending()) armTimer(pending);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> unborn =
        newCommandHandlerWithReplyBuilder().forState(state -> !state.isCreated());
    unborn
        .onCommand(Create.class, this::onCreate)
        .onCommand(GetSummary.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(GetHistory.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(GetPendingApprovals.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(PostUserMessage.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(SwitchAgent.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(RecordToolResult.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(Decide.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(CancelTurn.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(Subscribe.class, this::refuseSubscription)
        .onCommand(Idle.class, this::onIdle)
        .onAnyCommand(cmd -> Effect().noReply());

    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> created =
        newCommandHandlerWithReplyBuilder().forState(State::isCreated);
    created
        .onCommand(Create.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(ALREADY_EXISTS)))
        .onCommand(GetSummary.class, this::onGetSummary)
        .onCommand(GetHistory.class, this::onGetHistory)
        .onCommand(GetPendingApprovals.class, this::onGetPendingApprovals)
        .onCommand(PostUserMessage.class, this::onPostUserMessage)
        .onCommand(SwitchAgent.class, this::onSwitchAgent)
        .onCommand(RecordToolResult.class, this::onRecordToolResult)
        .onCommand(Decide.class, this::onDecide)
        .onCommand(ExpireApproval.class, this::onExpireApproval)
        .onCommand(ToolCallTimedOut.class, this::onToolCallTimedOut)
        .onCommand(Wake.class, this::onWake)
        .onCommand(Idle.class, this::onIdle)
        .onCommand(CancelTurn.class, this::onCancelTurn)
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(Unsubscribe.class, (state, cmd) -> onSubscriberGone(cmd.subscriber()))
        .onCommand(SubscriberGone.class, (state, cmd) -> onSubscriberGone(cmd.subscriber()))
        .onCommand(CatchUpLoaded.class, this::onCatchUpLoaded)
        .onCommand(ModelStreamStarted.class, this::onModelStreamStarted)
        .onCommand(ModelOutput.class, this::onModelOutput)
        .onCommand(ModelStreamEnded.class, this::onModelStreamEnded)
        .onCommand(ModelStreamFailed.class, this::onModelStreamFailed)
        .onCommand(InterruptedTurnFound.class, this::onInterruptedTurnFound);

    return unborn.orElse(created).build();
  }

  // ---------------------------------------------------------------- conversation

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    String agent = cmd.agentType() == null ? AgentProfile.DEFAULT.type() : cmd.agentType();
    if (AgentProfile.ofType(agent).isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_AGENT));
    }
    String title = cmd.title() == null || cmd.title().isBlank() ? "New session" : cmd.title().strip();
    SessionCreated created =
        new SessionCreated(sessionId, cmd.userId(), cmd.projectId(), title, AgentProfile.ofType(agent).get().type(), now());
    return Effect().persist(created).thenReply(cmd.replyTo(), newState -> StatusReply.success(newState.summary()));
  }

  private ReplyEffect<Event, State> onGetSummary(State state, GetSummary cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    return Effect().reply(cmd.replyTo(), StatusReply.success(state.summary()));
  }

  private ReplyEffect<Event, State> onGetHistory(State state, GetHistory cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    History history = new History(sessionId, state.messages(), state.lastActivity(), state.currentAgent());
    return Effect().reply(cmd.replyTo(), StatusReply.success(history));
  }

  private ReplyEffect<Event, State> onGetPendingApprovals(State state, GetPendingApprovals cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    List<State.Approval> pending = state.approvals().stream().filter(State.Approval::isPending).toList();
    return Effect().reply(cmd.replyTo(), StatusReply.success(new PendingApprovals(sessionId, pending)));
  }

  private ReplyEffect<Event, State> onPostUserMessage(State state, PostUserMessage cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    Optional<State.RecentOperation> seen = state.recentOperation(cmd.operationId());
    if (seen.isPresent()) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.success(new Accepted(seen.get().seq(), cmd.operationId(), cmd.content(), true)));
    }
    if (cmd.content() == null || cmd.content().isBlank()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(EMPTY_MESSAGE));
    }
    List<Event> events = new ArrayList<>();
    if (cmd.agentType() != null) {
      Optional<AgentProfile> agent = AgentProfile.ofType(cmd.agentType());
      if (agent.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_AGENT));
      if (!agent.get().type().equals(state.currentAgent())) {
        events.add(new AgentSwitched(state.currentAgent(), agent.get().type(), "requested with the message", now()));
      }
    }
    events.add(new UserMessageAccepted(cmd.operationId(), cmd.content(), now()));
    long acceptedSeq = state.lastSeq() + events.size();
    // a message that arrives while a turn runs (or waits for tools or a human) is queued behind it
    if (!state.hasRunningTurn()) events.add(new TurnStarted(newTurnId(), 1, now()));
    return persist(events)
        .thenReply(
            cmd.replyTo(),
            newState -> StatusReply.success(new Accepted(acceptedSeq, cmd.operationId(), cmd.content(), false)));
  }

  private ReplyEffect<Event, State> onSwitchAgent(State state, SwitchAgent cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    Optional<AgentProfile> agent = AgentProfile.ofType(cmd.agentType());
    if (agent.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_AGENT));
    if (agent.get().type().equals(state.currentAgent())) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    return persist(List.of(new AgentSwitched(state.currentAgent(), agent.get().type(), cmd.reason(), now())))
        .thenReply(cmd.replyTo(), newState -> StatusReply.ack());
  }

  // ---------------------------------------------------------------- tool calls and approvals

  private ReplyEffect<Event, State> onRecordToolResult(State state, RecordToolResult cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    Optional<State.PendingCall> pending = pendingCall(state, cmd.callId());
    if (pending.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.error(unknownOrAnswered(state, cmd.callId())));
    State.PendingCall call = pending.get();
    List<Event> events = new ArrayList<>();
    if (call.awaitingApproval()) {
      // a client that decided locally: running the call approved it, reporting an error rejected it
      if (cmd.error() != null) {
        events.add(new ApprovalResolved(call.call().callId(), "reject", null, cmd.error(), now()));
      } else {
        events.add(new ApprovalResolved(call.call().callId(), "approve", call.call().argumentsJson(), null, now()));
        events.add(new ToolResultRecorded(call.call().callId(), cmd.resultJson(), null, now()));
      }
    } else {
      events.add(new ToolResultRecorded(call.call().callId(), cmd.error() == null ? cmd.resultJson() : null, cmd.error(), now()));
    }
    return persist(continueOrStop(state, events)).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onDecide(State state, Decide cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    if (!List.of("approve", "edit", "reject").contains(cmd.decision())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(INVALID_DECISION));
    }
    Optional<State.Approval> approval = state.approval(cmd.callId());
    if (approval.isEmpty()) {
      String error = pendingCall(state, cmd.callId()).isPresent() ? NOT_AWAITING_APPROVAL : CALL_NOT_FOUND;
      return Effect().reply(cmd.replyTo(), StatusReply.error(error));
    }
    if (approval.get().status().equals("expired")) return Effect().reply(cmd.replyTo(), StatusReply.error(APPROVAL_EXPIRED));
    Optional<State.PendingCall> pending = pendingCall(state, cmd.callId());
    if (!approval.get().isPending() || pending.isEmpty() || !pending.get().awaitingApproval()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(ALREADY_DECIDED));
    }
    String arguments = pending.get().call().argumentsJson();
    if (cmd.decision().equals("edit")) {
      if (!isJsonObject(cmd.modifiedArgumentsJson())) return Effect().reply(cmd.replyTo(), StatusReply.error(ARGUMENTS_REQUIRED));
      arguments = cmd.modifiedArgumentsJson();
    }
    List<Event> events = new ArrayList<>();
    if (cmd.decision().equals("reject")) {
      events.add(new ApprovalResolved(cmd.callId(), "reject", null, cmd.feedback(), now()));
    } else {
      events.add(new ApprovalResolved(cmd.callId(), cmd.decision(), arguments, cmd.feedback(), now()));
      events.add(new ToolCallReleased(state.turn().turnId(), cmd.callId(), pending.get().call().toolName(), arguments, now()));
    }
    return persist(continueOrStop(state, events))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Decision(cmd.callId(), cmd.decision())));
  }

  private ReplyEffect<Event, State> onExpireApproval(State state, ExpireApproval cmd) {
    Optional<State.Approval> approval = state.approval(cmd.callId());
    if (approval.isEmpty() || !approval.get().isPending()) return Effect().noReply();
    if (now().isBefore(approval.get().deadline())) {
      // early (a clock between nodes, or a timer armed before a restart): look again at the deadline
      timers.startSingleTimer("approval:" + cmd.callId(), cmd, Duration.between(now(), approval.get().deadline()));
      return Effect().noReply();
    }
    return persist(continueOrStop(state, new ArrayList<>(List.of(new ApprovalResolved(cmd.callId(), "expired", null, null, now())))))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onToolCallTimedOut(State state, ToolCallTimedOut cmd) {
    Optional<State.PendingCall> pending = pendingCall(state, cmd.callId());
    if (pending.isEmpty() || pending.get().awaitingApproval()) return Effect().noReply();
    Instant due = pending.get().since().plus(settings.toolTimeout());
    if (now().isBefore(due)) {
      timers.startSingleTimer("tool:" + cmd.callId(), cmd, Duration.between(now(), due));
      return Effect().noReply();
    }
    String error = "the IDE did not answer within " + settings.toolTimeout().toSeconds() + " s";
    return persist(continueOrStop(state, new ArrayList<>(List.of(new ToolResultRecorded(cmd.callId(), null, error, now())))))
        .thenNoReply();
  }

  /** Whatever is overdue is handled now; a model call lost with its node was found by the recovery that this message caused. */
  private ReplyEffect<Event, State> onWake(State state, Wake cmd) {
    if (!state.hasRunningTurn()) return Effect().noReply();
    for (State.PendingCall pending : state.turn().pending()) {
      String callId = pending.call().callId();
      if (pending.awaitingApproval()) context.getSelf().tell(new ExpireApproval(callId));
      else context.getSelf().tell(new ToolCallTimedOut(callId));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onIdle(State state, Idle cmd) {
    if (shard != null && !state.hasRunningTurn() && step == null && subscribers.size() == 0) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().noReply();
  }

  /** Cancelling stops the model call, rejects the turn's waiting approvals, and ends the turn. */
  private ReplyEffect<Event, State> onCancelTurn(State state, CancelTurn cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    if (!state.hasRunningTurn()) return Effect().reply(cmd.replyTo(), StatusReply.error(NO_RUNNING_TURN));
    cancelModelStep();
    List<Event> events = new ArrayList<>();
    for (State.PendingCall pending : state.turn().pending()) {
      if (pending.awaitingApproval()) {
        events.add(new ApprovalResolved(pending.call().callId(), "reject", null, "the turn was cancelled", now()));
      }
    }
    events.add(new TurnCancelled(state.turn().turnId(), now()));
    if (!state.queue().isEmpty()) events.add(new TurnStarted(newTurnId(), 1, now()));
    return persist(events).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /**
   * After answers that leave no call waiting, the turn goes on with its next model call, unless it
   * has used up its steps: then it fails, and a queued message starts its own turn.
   */
  private List<Event> continueOrStop(State state, List<Event> events) {
    State after = state;
    for (Event event : events) after = after.apply(event);
    if (after.hasRunningTurn() && !after.turn().waitsForTools() && after.turn().step() >= settings.maxSteps()) {
      events.add(new TurnFailed(after.turn().turnId(), "the turn reached its limit of " + settings.maxSteps() + " model calls", now()));
      if (!after.queue().isEmpty()) events.add(new TurnStarted(newTurnId(), 1, now()));
    }
    return events;
  }

  private static Optional<State.PendingCall> pendingCall(State state, String callId) {
    return state.hasRunningTurn() ? state.turn().pendingCall(callId) : Optional.empty();
  }

  private static String unknownOrAnswered(State state, String callId) {
    boolean known = state.messages().stream().anyMatch(m -> callId.equals(m.toolCallId()));
    return known ? CALL_ALREADY_ANSWERED : CALL_NOT_FOUND;
  }

  private static boolean isJsonObject(String json) {
    if (json == null) return false;
    try {
      JsonNode node = JSON.readTree(json);
      return node != null && node.isObject();
    } catch (Exception e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- the model call of a turn

  private ReplyEffect<Event, State> onModelStreamStarted(State state, ModelStreamStarted cmd) {
    if (isCurrentStep(cmd.turnId())) cmd.ackTo().tell(ModelAck.INSTANCE);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onModelOutput(State state, ModelOutput cmd) {
    if (!isCurrentStep(cmd.turnId())) return Effect().noReply();
    LlmEvent event = cmd.event();
    if (event instanceof LlmEvent.TextDelta delta && !delta.text().isEmpty()) {
      subscribers.publish(step.append(delta.text()));
    } else if (event instanceof LlmEvent.Usage usage) {
      step.usage = new Usage(usage.promptTokens(), usage.completionTokens());
    } else if (event instanceof LlmEvent.ToolCallsRequested calls) {
      step.toolCalls = calls.calls();
    }
    cmd.ackTo().tell(ModelAck.INSTANCE);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onModelStreamEnded(State state, ModelStreamEnded cmd) {
    if (!isCurrentStep(cmd.turnId()) || !state.hasRunningTurn()) return Effect().noReply();
    ModelStep finished = step;
    step = null;
    State.Turn turn = state.turn();
    List<Event> events = new ArrayList<>();
    if (finished.toolCalls.isEmpty()) {
      events.add(new AssistantReplied(turn.turnId(), turn.text() + finished.text(), finished.usage, now()));
      events.add(new TurnCompleted(turn.turnId(), now()));
      if (!state.queue().isEmpty()) events.add(new TurnStarted(newTurnId(), 1, now()));
      return persist(events).thenNoReply();
    }
    AgentProfile agent = AgentProfile.ofType(state.currentAgent()).orElse(AgentProfile.DEFAULT);
    int stepNumber = turn.step() + 1;
    for (LlmToolCall requested : finished.toolCalls) {
      ToolCall call = new ToolCall(UUID.randomUUID().toString(), requested.id(), requested.name(), requested.argumentsJson());
      boolean offered = agent.tools().stream().anyMatch(t -> t.toolName().equals(requested.name()));
      boolean valid = offered && isJsonObject(requested.argumentsJson());
      boolean needsApproval = valid && agent.requiresApproval(requested.name());
      events.add(new ToolCallRequested(turn.turnId(), stepNumber, call, needsApproval, finished.text(), finished.deltaCount(), now()));
      if (!valid) {
        // the model gets an error to correct itself; nothing is sent for the IDE to run
        String error = offered ? "the arguments are not a JSON object" : "there is no tool named '" + requested.name() + "'";
        events.add(new ToolResultRecorded(call.callId(), null, error, now()));
      } else if (needsApproval) {
        String reason = codelab.agent.IdeTool.named(requested.name()).map(codelab.agent.IdeTool::approvalReason)
            .orElse(requested.name() + " needs your approval");
        events.add(new ApprovalRequested(turn.turnId(), call.callId(), call.toolName(), call.argumentsJson(), reason,
            now().plus(settings.approvalTimeout()), now()));
      }
    }
    return persist(continueOrStop(state, events)).thenNoReply();
  }

  private ReplyEffect<Event, State> onModelStreamFailed(State state, ModelStreamFailed cmd) {
    if (!isCurrentStep(cmd.turnId())) return Effect().noReply();
    step = null;
    List<Event> events = new ArrayList<>(List.of(new TurnFailed(state.turn().turnId(), cmd.error(), now())));
    if (!state.queue().isEmpty()) events.add(new TurnStarted(newTurnId(), 1, now()));
    return persist(events).thenNoReply();
  }

  /** A turn found in a model call on recovery lost that call with the node that ran it. */
  private ReplyEffect<Event, State> onInterruptedTurnFound(State state, InterruptedTurnFound cmd) {
    if (!state.hasRunningTurn() || !state.turn().turnId().equals(cmd.turnId()) || step != null || state.turn().waitsForTools()) {
      return Effect().noReply();
    }
    int attempt = state.turn().attempt();
    List<Event> events = new ArrayList<>();
    if (attempt < settings.maxTurnAttempts()) {
      events.add(new TurnFailed(cmd.turnId(), "the node running this turn stopped; running it again", now()));
      events.add(new TurnStarted(newTurnId(), attempt + 1, now()));
    } else {
      events.add(new TurnFailed(cmd.turnId(), "the node running this turn stopped " + attempt + " times; giving up", now()));
      if (!state.queue().isEmpty()) events.add(new TurnStarted(newTurnId(), 1, now()));
    }
    return persist(events).thenNoReply();
  }

  /** Persists events, then tells subscribers, looks after the timers, and starts a model call the turn now needs. */
  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> persist(List<Event> events) {
    return Effect().persist(events).thenRun(newState -> afterPersist(events, newState));
  }

  private void afterPersist(List<Event> events, State newState) {
    long seq = newState.lastSeq() - events.size() + 1;
    for (Event event : events) {
      SessionUpdate.of(event, seq++).ifPresent(subscribers::publish);
      followWithTimers(event);
    }
    if (newState.hasRunningTurn() && !newState.turn().waitsForTools() && step == null) startModelStep(newState);
  }

  private void followWithTimers(Event event) {
    if (event instanceof ApprovalRequested e) {
      timers.startSingleTimer("approval:" + e.callId(), new ExpireApproval(e.callId()), Duration.between(now(), e.deadline()));
    } else if (event instanceof ToolCallRequested e && !e.requiresApproval()) {
      timers.startSingleTimer("tool:" + e.call().callId(), new ToolCallTimedOut(e.call().callId()), settings.toolTimeout());
    } else if (event instanceof ToolCallReleased e) {
      timers.cancel("approval:" + e.callId());
      timers.startSingleTimer("tool:" + e.callId(), new ToolCallTimedOut(e.callId()), settings.toolTimeout());
    } else if (event instanceof ApprovalResolved e) {
      timers.cancel("approval:" + e.callId());
    } else if (event instanceof ToolResultRecorded e) {
      timers.cancel("tool:" + e.callId());
    } else if (event instanceof TurnCompleted || event instanceof TurnFailed || event instanceof TurnCancelled) {
      timers.cancelAll();
    }
  }

  private void armTimer(State.PendingCall pending) {
    String callId = pending.call().callId();
    if (pending.awaitingApproval() && pending.deadline() != null) {
      timers.startSingleTimer("approval:" + callId, new ExpireApproval(callId), positive(Duration.between(now(), pending.deadline())));
    } else if (!pending.awaitingApproval()) {
      Duration left = Duration.between(now(), pending.since().plus(settings.toolTimeout()));
      timers.startSingleTimer("tool:" + callId, new ToolCallTimedOut(callId), positive(left));
    }
  }

  private static Duration positive(Duration duration) {
    return duration.isNegative() ? Duration.ZERO : duration;
  }

  private void startModelStep(State state) {
    cancelModelStep();
    State.Turn turn = state.turn();
    AgentProfile agent = AgentProfile.ofType(state.currentAgent()).orElse(AgentProfile.DEFAULT);
    LlmRequest request = new LlmRequest(ModelContext.of(agent, state.messages()), agent.toolDefinitions());
    String turnId = turn.turnId();
    UniqueKillSwitch killSwitch =
        llm.stream(request)
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(
                ActorSink.<LlmEvent, Command, ModelAck>actorRefWithBackpressure(
                    context.getSelf(),
                    (ackTo, event) -> new ModelOutput(turnId, event, ackTo),
                    ackTo -> new ModelStreamStarted(turnId, ackTo),
                    ModelAck.INSTANCE,
                    new ModelStreamEnded(turnId),
                    failure -> new ModelStreamFailed(turnId, describe(failure))),
                Keep.left())
            .run(context.getSystem());
    step = new ModelStep(turnId, turn.deltaCount(), killSwitch);
  }

  private void cancelModelStep() {
    if (step != null) step.cancel();
    step = null;
  }

  private boolean isCurrentStep(String turnId) {
    return step != null && step.turnId.equals(turnId);
  }

  private static String describe(Throwable failure) {
    if (failure instanceof LlmException) return failure.getMessage();
    return "the model call failed: " + failure.getClass().getSimpleName();
  }

  // ---------------------------------------------------------------- subscribers

  private ReplyEffect<Event, State> refuseSubscription(State state, Subscribe cmd) {
    cmd.subscriber().tell(new SessionUpdate.SubscriptionRefused(NOT_FOUND, false));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onSubscribe(State state, Subscribe cmd) {
    if (!state.isOwnedBy(cmd.userId())) return refuseSubscription(state, cmd);
    ActorRef<SessionUpdate> subscriber = cmd.subscriber();
    if (!subscribers.contains(subscriber)) context.watchWith(subscriber, new SubscriberGone(subscriber));
    subscriber.tell(new SessionUpdate.Subscribed(context.getSelf(), sessionId, state.currentAgent(), state.lastSeq()));
    if (cmd.afterSeq() >= state.lastSeq()) {
      subscribers.addLive(subscriber);
      inFlight(state, cmd.afterSeq()).forEach(subscriber::tell);
    } else {
      int generation = subscribers.addCatchingUp(subscriber, cmd.afterSeq());
      loadFromJournal(subscriber, generation, Math.max(0, cmd.afterSeq()) + 1, state.lastSeq());
    }
    return Effect().noReply();
  }

  private void loadFromJournal(ActorRef<SessionUpdate> subscriber, int generation, long fromSeq, long toSeq) {
    CurrentEventsByPersistenceIdQuery journal =
        PersistenceQuery.get(context.getSystem())
            .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, settings.readJournalPluginId());
    context.pipeToSelf(
        journal
            .currentEventsByPersistenceId(PersistenceId.of(ENTITY_KEY.name(), sessionId).id(), fromSeq, toSeq)
            .mapConcat(envelope -> SessionUpdate.of((Event) envelope.event(), envelope.sequenceNr()).stream().toList())
            .runWith(Sink.seq(), context.getSystem()),
        (updates, failure) -> {
          if (failure != null) {
            context.getLog().warn("Session {}: cannot read the journal for a subscriber: {}", sessionId, failure.toString());
            // the subscriber cannot be brought up to date: drop it; it reconnects and tries again
            subscriber.tell(new SessionUpdate.SubscriptionRefused("the session's history cannot be read right now; reconnect", true));
            return new SubscriberGone(subscriber);
          }
          return new CatchUpLoaded(subscriber, generation, updates);
        });
  }

  private ReplyEffect<Event, State> onCatchUpLoaded(State state, CatchUpLoaded cmd) {
    long afterSeq = subscribers.catchUpStart(cmd.subscriber());
    subscribers.completeCatchUp(cmd.subscriber(), cmd.generation(), cmd.updates(), inFlight(state, afterSeq));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onSubscriberGone(ActorRef<SessionUpdate> subscriber) {
    if (subscribers.contains(subscriber)) {
      subscribers.remove(subscriber);
      context.unwatch(subscriber);
    }
    return Effect().noReply();
  }

  /**
   * What a (re)subscribing client needs beyond the journal: the running model call's deltas so far,
   * and the calls still waiting that it saw before ({@code seq <= afterSeq}) but may not have run.
   */
  private List<SessionUpdate> inFlight(State state, long afterSeq) {
    List<SessionUpdate> updates = new ArrayList<>(step == null ? List.of() : step.deltasSoFar());
    if (!state.hasRunningTurn()) return updates;
    Map<String, State.Approval> approvals = new HashMap<>();
    state.approvals().forEach(a -> approvals.put(a.callId(), a));
    for (State.PendingCall pending : state.turn().pending()) {
      if (pending.seq() > afterSeq) continue;
      ToolCall call = pending.call();
      updates.add(new SessionUpdate.ToolCallRequested(
          pending.seq(), state.turn().turnId(), call.callId(), call.toolName(), call.argumentsJson(), pending.awaitingApproval(), true));
      State.Approval approval = approvals.get(call.callId());
      if (pending.awaitingApproval() && approval != null) {
        updates.add(new SessionUpdate.ApprovalRequired(
            approval.seq(), call.callId(), call.toolName(), call.argumentsJson(), approval.reason(), approval.deadline(), true));
      }
    }
    return updates;
  }

  private Instant now() {
    return clock.instant();
  }

  private static String newTurnId() {
    return UUID.randomUUID().toString();
  }
}
