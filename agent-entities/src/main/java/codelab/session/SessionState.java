package codelab.session;

import codelab.JsonSerializable;
import codelab.agent.AgentProfile;
import codelab.agent.StarterTeam;
import codelab.session.Session.AgentSwitched;
import codelab.session.Session.ApprovalRequested;
import codelab.session.Session.ApprovalResolved;
import codelab.session.Session.AssistantReplied;
import codelab.session.Session.SessionArchived;
import codelab.session.Session.SessionCreated;
import codelab.session.Session.SessionRenamed;
import codelab.session.Session.ToolCall;
import codelab.session.Session.ToolCallReleased;
import codelab.session.Session.ToolCallRequested;
import codelab.session.Session.ToolResultRecorded;
import codelab.session.Session.TurnCancelled;
import codelab.session.Session.TurnCompleted;
import codelab.session.Session.TurnFailed;
import codelab.session.Session.TurnStarted;
import codelab.session.Session.UserMessageAccepted;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;

/**
 * The durable state of a session: what the journal says, nothing that only lives while a node runs
 * (subscribers, the model stream of a running step and timers live in {@link Session} and its
 * collaborators).
 *
 * <p>{@code lastSeq} counts applied events, so it equals the journal sequence number of the last
 * event, also after recovery from a snapshot; it is the {@code seq} clients see.
 *
 * <p>Snapshots written before this record left {@code Session} name it {@code Session$State}:
 * {@link SessionMigration} reads them ({@link SessionStateWithAgents} since agents are entities). Field names are the snapshot's JSON: keep them.
 */
public record SessionState(
    String sessionId,
    String ownerId,
    String projectId,
    String title,
    boolean archived,
    String currentAgent,
    String currentAgentId,
    Instant createdAt,
    Instant lastActivity,
    List<ChatMessage> messages,
    List<QueuedMessage> queue,
    Turn turn,
    List<Approval> approvals,
    List<RecentOperation> recentOperations,
    long lastSeq,
    List<Plan> plans,
    TaskOf task,
    String clientId)
    implements JsonSerializable {

  public SessionState {
    // snapshots from before plans have none
    plans = plans == null ? List.of() : plans;
  }

  /**
   * How many operation ids (of messages, tool results, decisions, cancels) are remembered for
   * idempotency; a client retries within seconds, not hundreds of operations.
   */
  static final int RECENT_OPERATIONS = 256;
  /** Decided approvals kept to answer a late second decision with 409 rather than 404. */
  static final int DECIDED_APPROVALS = 256;

  /**
   * One message of the conversation: user, assistant (maybe with tool calls) or tool (a call's
   * result, with the call's id and, as {@code name}, its tool's name: a client pairs them without
   * searching back for the call).
   */
  public record ChatMessage(
      MessageRole role, String content, String turnId, Instant at, List<ToolCall> toolCalls, String toolCallId, String name)
      implements JsonSerializable {
    static ChatMessage of(MessageRole role, String content, String turnId, Instant at) {
      return new ChatMessage(role, content, turnId, at, List.of(), null, null);
    }

    public List<ToolCall> toolCalls() {
      return toolCalls == null ? List.of() : toolCalls;
    }
  }

  /**
   * A user message accepted while another turn runs; it starts its own turn when that one ends.
   * {@code orchestrated}: the project's orchestrator answers it and may plan.
   */
  public record QueuedMessage(String operationId, String content, Instant at, boolean orchestrated) implements JsonSerializable {}

  /**
   * What a plan's task session knows of its task: whose it is (the parent session, the plan, the task)
   * and, once its turn ended for good, how ({@code status} COMPLETED with {@code result}, FAILED with
   * {@code error}); RUNNING until then.
   */
  public record TaskOf(String parentSessionId, String planId, String taskId, Plan.TaskStatus status, String result, String error)
      implements JsonSerializable {
    TaskOf ended(Plan.TaskStatus outcome, String newResult, String newError) {
      return new TaskOf(parentSessionId, planId, taskId, outcome, newResult, newError);
    }
  }

  /**
   * The turn in progress, answered by version {@code agentVersion} of agent {@code agentId} with
   * {@code model} (all null in a turn started before agents were entities). {@code step} counts the model calls that asked for tools so far;
   * {@code deltaCount} and {@code text} are the deltas and text of those steps (the next step's
   * deltas continue the index; the turn's final message is the whole text). {@code pending}: the
   * tool calls of the current step still waiting for a decision or a result.
   */
  public record Turn(
      String turnId, Instant startedAt, int attempt, String agentId, Integer agentVersion, String model, int step, int deltaCount,
      String text, List<PendingCall> pending, boolean orchestrated)
      implements JsonSerializable {
    boolean waitsForTools() {
      return !pending.isEmpty();
    }

    Optional<PendingCall> pendingCall(String callId) {
      return pending.stream().filter(p -> p.call().callId().equals(callId)).findFirst();
    }

    Turn withPending(List<PendingCall> newPending) {
      return new Turn(turnId, startedAt, attempt, agentId, agentVersion, model, step, deltaCount, text, List.copyOf(newPending), orchestrated);
    }
  }

  /**
   * A tool call without its result yet: waiting for a human ({@code awaitingApproval}, until
   * {@code deadline}) or for the IDE (since {@code since}). {@code seq} is the event that last
   * sent it to clients, for re-sending to a client that comes back.
   */
  public record PendingCall(ToolCall call, boolean awaitingApproval, long seq, Instant since, Instant deadline, String reason)
      implements JsonSerializable {}

  /** An approval request and, once decided, its outcome. */
  public record Approval(
      String requestId, String callId, String toolName, String argumentsJson, String reason, Instant createdAt,
      Instant deadline, ApprovalStatus status, long seq)
      implements JsonSerializable {
    boolean isPending() {
      return status == ApprovalStatus.PENDING;
    }

    Approval withStatus(ApprovalStatus newStatus) {
      return new Approval(requestId, callId, toolName, argumentsJson, reason, createdAt, deadline, newStatus, seq);
    }
  }

  public record RecentOperation(String operationId, long seq) implements JsonSerializable {}

  static SessionState empty() {
    return new SessionState(null, null, null, null, false, null, null, null, null, List.of(), List.of(), null, List.of(), List.of(), 0, List.of(), null, null);
  }

  public boolean isCreated() {
    return sessionId != null;
  }

  boolean isOwnedBy(String userId) {
    return isCreated() && ownerId.equals(userId);
  }

  /** The current agent: the one named, or in a session from before agents were entities, the project's starter agent of its role. */
  public String agentId() {
    if (currentAgentId != null || !isCreated()) return currentAgentId;
    return StarterTeam.agentId(projectId, AgentProfile.ofType(currentAgent).orElse(AgentProfile.DEFAULT));
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

  Optional<PendingCall> pendingCall(String callId) {
    return hasRunningTurn() ? turn.pendingCall(callId) : Optional.empty();
  }

  Session.Summary summary() {
    return new Session.Summary(
        sessionId, ownerId, projectId, title, messages.size(), createdAt, lastActivity, !archived, currentAgent, agentId(), lastSeq);
  }

  // ---------------------------------------------------------------- the reducer

  /** Each event's own change; {@link #apply} has already counted it ({@code lastSeq} is the event's seq). */
  private static final EventHandler<SessionState, Session.Event> ON_EVENT =
      EventHandlerBuilder.<SessionState, Session.Event>builder()
          .forAnyState()
          .onEvent(SessionCreated.class, SessionState::created)
          .onEvent(UserMessageAccepted.class, SessionState::messageAccepted)
          .onEvent(TurnStarted.class, SessionState::turnStarted)
          .onEvent(ToolCallRequested.class, SessionState::toolCallRequested)
          .onEvent(ApprovalRequested.class, SessionState::approvalRequested)
          .onEvent(ApprovalResolved.class, (s, e) -> s.approvalResolved(e).withRecentOperation(e.operationId()))
          .onEvent(ToolCallReleased.class, SessionState::toolCallReleased)
          .onEvent(ToolResultRecorded.class, (s, e) -> s.toolResultRecorded(e).withRecentOperation(e.operationId()))
          .onEvent(AssistantReplied.class, SessionState::assistantReplied)
          .onEvent(Session.TurnRemembered.class, (s, e) -> s)
          .onEvent(TurnCompleted.class, (s, e) -> s.taskEnded(Plan.TaskStatus.COMPLETED, s.lastAnswer(e.turnId()), null).endTurn(e.at()))
          .onEvent(TurnFailed.class, (s, e) -> s.taskEnded(Plan.TaskStatus.FAILED, null, e.error()).endTurn(e.at()))
          .onEvent(TurnCancelled.class, (s, e) ->
              s.taskEnded(Plan.TaskStatus.FAILED, null, "the task was cancelled").endTurn(e.at()).withRecentOperation(e.operationId()))
          .onEvent(Session.TaskSessionCreated.class, SessionState::taskSessionCreated)
          .onEvent(Session.TaskCancelled.class, (s, e) ->
              s.taskEnded(Plan.TaskStatus.FAILED, null, PlanSteps.CANCELLED).endTurn(e.at()).withQueue(List.of()))
          .onEvent(Session.PlanStarted.class, SessionState::planStarted)
          .onEvent(Session.TaskStarted.class, (s, e) -> s.withPlan(e.planId(), p -> p.withTask(e.taskId(), t -> t.started(e.sessionId(), e.at()))))
          .onEvent(Session.TaskCompleted.class, (s, e) ->
              s.withPlan(e.planId(), p -> p.withTask(e.taskId(), t -> t.ended(Plan.TaskStatus.COMPLETED, e.content(), null, e.at()))))
          .onEvent(Session.TaskFailed.class, (s, e) ->
              s.withPlan(e.planId(), p -> p.withTask(e.taskId(), t -> t.ended(Plan.TaskStatus.FAILED, null, e.error(), e.at()))))
          .onEvent(Session.PlanCompleted.class, (s, e) -> s.withPlan(e.planId(), p -> p.completed(e.at())))
          .onEvent(AgentSwitched.class, (s, e) -> s.withCurrentAgent(e.toAgent(), e.toAgentId()))
          .onEvent(SessionRenamed.class, (s, e) -> s.withTitle(e.title()))
          .onEvent(SessionArchived.class, (s, e) -> s.withArchived(true))
          .build();

  /** The state after {@code events}, in order: a look-ahead at what persisting them comes to. */
  SessionState applyAll(List<Session.Event> events) {
    SessionState after = this;
    for (Session.Event event : events) after = after.apply(event);
    return after;
  }

  /** The state after {@code event}: the one reducer, for the entity, its recovery and its look-aheads. */
  public SessionState apply(Session.Event event) {
    return ON_EVENT.apply(withLastSeq(lastSeq + 1).withLastActivity(event.at()), event);
  }

  private SessionState created(SessionCreated e) {
    return new SessionState(e.sessionId(), e.ownerId(), e.projectId(), e.title(), false, e.agentType(), e.agentId(), e.at(), e.at(),
        List.of(), List.of(), null, List.of(), List.of(), lastSeq, List.of(), null, e.clientId());
  }

  private SessionState taskSessionCreated(Session.TaskSessionCreated e) {
    return created(e.asSessionCreated())
        .withTask(new TaskOf(e.parentSessionId(), e.planId(), e.taskId(), Plan.TaskStatus.RUNNING, null, null));
  }

  private SessionState messageAccepted(UserMessageAccepted e) {
    return withQueue(append(queue, new QueuedMessage(e.operationId(), e.content(), e.at(), e.orchestrated()))).withRecentOperation(e.operationId());
  }

  /** A first attempt takes the oldest queued message into the conversation; a re-run continues the conversation as it is. */
  private SessionState turnStarted(TurnStarted e) {
    SessionState started = withTurn(
        new Turn(e.turnId(), e.at(), e.attempt(), e.agentId(), e.agentVersion(), e.model(), 0, 0, "", List.of(), e.orchestrated()))
        .withTask(task == null ? null : task.ended(Plan.TaskStatus.RUNNING, null, null));
    if (e.attempt() > 1 || queue.isEmpty()) return started;
    QueuedMessage next = queue.get(0);
    return started
        .withMessages(append(messages, ChatMessage.of(MessageRole.USER, next.content(), e.turnId(), next.at())))
        .withQueue(List.copyOf(queue.subList(1, queue.size())));
  }

  /** The calls of one step share one assistant message; its first call also carries the step's text. */
  private SessionState toolCallRequested(ToolCallRequested e) {
    List<ChatMessage> newMessages = new ArrayList<>(messages);
    ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
    boolean sameStep = last != null && last.role() == MessageRole.ASSISTANT && e.turnId().equals(last.turnId())
        && !last.toolCalls().isEmpty() && turn.step() == e.step();
    Turn t = turn;
    if (sameStep) {
      newMessages.set(newMessages.size() - 1,
          new ChatMessage(MessageRole.ASSISTANT, last.content(), last.turnId(), last.at(), append(last.toolCalls(), e.call()), null, null));
    } else {
      newMessages.add(new ChatMessage(MessageRole.ASSISTANT, e.stepText(), e.turnId(), e.at(), List.of(e.call()), null, null));
      t = new Turn(t.turnId(), t.startedAt(), t.attempt(), t.agentId(), t.agentVersion(), t.model(), e.step(), t.deltaCount() + e.stepDeltas(),
          t.text() + e.stepText(), t.pending(), t.orchestrated());
    }
    Turn withCall = t.withPending(append(t.pending(), new PendingCall(e.call(), e.requiresApproval(), lastSeq, e.at(), null, null)));
    return withMessages(List.copyOf(newMessages)).withTurn(withCall);
  }

  private SessionState approvalRequested(ApprovalRequested e) {
    Approval approval = new Approval(
        UUID.nameUUIDFromBytes(("approval:" + e.callId()).getBytes(StandardCharsets.UTF_8)).toString(),
        e.callId(), e.toolName(), e.argumentsJson(), e.reason(), e.at(), e.deadline(), ApprovalStatus.PENDING, lastSeq);
    List<Approval> kept = new ArrayList<>(approvals);
    kept.add(approval);
    while (kept.size() > DECIDED_APPROVALS && !kept.get(0).isPending()) kept.remove(0);
    return withApprovals(List.copyOf(kept))
        .updatePending(e.callId(), p -> new PendingCall(p.call(), true, p.seq(), p.since(), e.deadline(), e.reason()));
  }

  /** Approve and edit leave the call waiting for its release; reject and expiry answer it with an error the model sees. */
  private SessionState approvalResolved(ApprovalResolved e) {
    SessionState decided = withApprovals(
        approvals.stream().map(a -> a.callId().equals(e.callId()) ? a.withStatus(ApprovalStatus.resolved(e.decision())) : a).toList());
    return switch (e.decision()) {
      case APPROVE, EDIT -> decided;
      case EXPIRED -> decided.answered(e.callId(), "Error: the approval request expired before anyone decided; the call was not run", e.at());
      case REJECT -> decided.answered(e.callId(),
          "Error: the user rejected this call" + (e.feedback() == null || e.feedback().isBlank() ? "" : ": " + e.feedback()), e.at());
    };
  }

  private SessionState toolCallReleased(ToolCallReleased e) {
    return updatePending(e.callId(), p -> new PendingCall(
        new ToolCall(p.call().callId(), p.call().providerCallId(), p.call().toolName(), e.argumentsJson()),
        false, lastSeq, e.at(), null, null));
  }

  private SessionState toolResultRecorded(ToolResultRecorded e) {
    return answered(e.callId(), e.error() != null ? "Error: " + e.error() : e.resultJson(), e.at());
  }

  private SessionState assistantReplied(AssistantReplied e) {
    return withMessages(append(messages, ChatMessage.of(MessageRole.ASSISTANT, e.content(), e.turnId(), e.at())));
  }

  /** A call's answer (result, error, rejection) goes into the conversation, and the call stops waiting. */
  private SessionState answered(String callId, String content, Instant at) {
    if (turn == null) return this;
    List<PendingCall> rest = turn.pending().stream().filter(p -> !p.call().callId().equals(callId)).toList();
    String toolName = turn.pendingCall(callId).map(p -> p.call().toolName()).orElse(null);
    ChatMessage toolMessage = new ChatMessage(MessageRole.TOOL, content, turn.turnId(), at, List.of(), callId, toolName);
    return withMessages(append(messages, toolMessage)).withTurn(turn.withPending(rest));
  }

  /** Calls still waiting when a turn ends are answered with an error: the model's context must pair every call with an answer. */
  private SessionState endTurn(Instant at) {
    SessionState closed = this;
    if (turn != null) {
      for (PendingCall p : turn.pending()) closed = closed.answered(p.call().callId(), "Error: the turn ended before this call was answered", at);
    }
    return closed.withTurn(null).withApprovals(closed.approvals.stream().map(a -> a.isPending() ? a.withStatus(ApprovalStatus.REJECT) : a).toList());
  }

  /**
   * The approved plan: its tasks wait to be started, and its call waits, no longer for a person, for
   * the plan's result (no IDE runs it, so no tool timeout applies).
   */
  private SessionState planStarted(Session.PlanStarted e) {
    Plan plan = new Plan(e.planId(), e.turnId(), e.callId(), Plan.Status.RUNNING, e.at(), null, e.tasks());
    return withPlans(append(plans, plan))
        .updatePending(e.callId(), p -> new PendingCall(p.call(), false, lastSeq, e.at(), null, null));
  }

  private SessionState withPlan(String planId, UnaryOperator<Plan> change) {
    return withPlans(plans.stream().map(p -> p.planId().equals(planId) ? change.apply(p) : p).toList());
  }

  public Optional<Plan> plan(String planId) {
    return plans.stream().filter(p -> p.planId().equals(planId)).findFirst();
  }

  /** A task session's turn ended: completed with its answer, or failed; a re-run after a crash sets it running again. */
  private SessionState taskEnded(Plan.TaskStatus outcome, String result, String error) {
    return task == null ? this : withTask(task.ended(outcome, result, error));
  }

  /** The answer that ended turn {@code turnId}, if it has one. */
  private String lastAnswer(String turnId) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      ChatMessage m = messages.get(i);
      if (m.role() == MessageRole.ASSISTANT && turnId.equals(m.turnId()) && m.toolCalls().isEmpty()) return m.content();
    }
    return "";
  }

  private SessionState updatePending(String callId, UnaryOperator<PendingCall> change) {
    if (turn == null) return this;
    return withTurn(turn.withPending(
        turn.pending().stream().map(p -> p.call().callId().equals(callId) ? change.apply(p) : p).toList()));
  }

  private SessionState withRecentOperation(String operationId) {
    if (operationId == null) return this;
    List<RecentOperation> recent = new ArrayList<>(recentOperations);
    recent.add(new RecentOperation(operationId, lastSeq));
    if (recent.size() > RECENT_OPERATIONS) recent = recent.subList(recent.size() - RECENT_OPERATIONS, recent.size());
    return withRecentOperations(List.copyOf(recent));
  }

  private static <T> List<T> append(List<T> list, T element) {
    List<T> copy = new ArrayList<>(list.size() + 1);
    copy.addAll(list);
    copy.add(element);
    return List.copyOf(copy);
  }

  // ---------------------------------------------------------------- copies with one change

  SessionState withTitle(String v) {
    return new SessionState(sessionId, ownerId, projectId, v, archived, currentAgent, currentAgentId, createdAt, lastActivity, messages, queue, turn, approvals, recentOperations, lastSeq, plans, task, clientId);
  }

  SessionState withArchived(boolean v) {
    return new SessionState(sessionId, ownerId, projectId, title, v, currentAgent, currentAgentId, createdAt, lastActivity, messages, queue, turn, approvals, recentOperations, lastSeq, plans, task, clientId);
  }

  SessionState withCurrentAgent(String v, String id) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, v, id, createdAt, lastActivity, messages, queue, turn, approvals, recentOperations, lastSeq, plans, task, clientId);
  }

  SessionState withLastActivity(Instant v) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, currentAgent, currentAgentId, createdAt, v, messages, queue, turn, approvals, recentOperations, lastSeq, plans, task, clientId);
  }

  SessionState withMessages(List<ChatMessage> v) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, currentAgent, currentAgentId, createdAt, lastActivity, v, queue, turn, approvals, recentOperations, lastSeq, plans, task, clientId);
  }

  SessionState withQueue(List<QueuedMessage> v) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, currentAgent, currentAgentId, createdAt, lastActivity, messages, v, turn, approvals, recentOperations, lastSeq, plans, task, clientId);
  }

  SessionState withTurn(Turn v) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, currentAgent, currentAgentId, createdAt, lastActivity, messages, queue, v, approvals, recentOperations, lastSeq, plans, task, clientId);
  }

  SessionState withApprovals(List<Approval> v) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, currentAgent, currentAgentId, createdAt, lastActivity, messages, queue, turn, v, recentOperations, lastSeq, plans, task, clientId);
  }

  SessionState withRecentOperations(List<RecentOperation> v) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, currentAgent, currentAgentId, createdAt, lastActivity, messages, queue, turn, approvals, v, lastSeq, plans, task, clientId);
  }

  SessionState withPlans(List<Plan> v) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, currentAgent, currentAgentId, createdAt, lastActivity, messages, queue, turn, approvals, recentOperations, lastSeq, v, task, clientId);
  }

  SessionState withTask(TaskOf v) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, currentAgent, currentAgentId, createdAt, lastActivity, messages, queue, turn, approvals, recentOperations, lastSeq, plans, v, clientId);
  }

  SessionState withLastSeq(long v) {
    return new SessionState(sessionId, ownerId, projectId, title, archived, currentAgent, currentAgentId, createdAt, lastActivity, messages, queue, turn, approvals, recentOperations, v, plans, task, clientId);
  }
}
