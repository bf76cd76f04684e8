package codelab.session;

import codelab.JsonSerializable;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a session tells its subscribers (the WebSocket connections, on any node). Updates that reflect
 * a persisted event carry its sequence number {@code seq}; deltas of a running turn carry the turn id
 * and their index within the turn instead.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = SessionUpdate.Subscribed.class, name = "subscribed"),
  @JsonSubTypes.Type(value = SessionUpdate.SubscriptionRefused.class, name = "refused"),
  @JsonSubTypes.Type(value = SessionUpdate.Batch.class, name = "batch"),
  @JsonSubTypes.Type(value = SessionUpdate.MessageAccepted.class, name = "message_accepted"),
  @JsonSubTypes.Type(value = SessionUpdate.AssistantDelta.class, name = "assistant_delta"),
  @JsonSubTypes.Type(value = SessionUpdate.AssistantMessage.class, name = "assistant_message"),
  @JsonSubTypes.Type(value = SessionUpdate.AgentSwitched.class, name = "agent_switched"),
  @JsonSubTypes.Type(value = SessionUpdate.ToolCallRequested.class, name = "tool_call"),
  @JsonSubTypes.Type(value = SessionUpdate.ApprovalRequired.class, name = "approval_required"),
  @JsonSubTypes.Type(value = SessionUpdate.ApprovalResolved.class, name = "approval_resolved"),
  @JsonSubTypes.Type(value = SessionUpdate.ToolResultRecorded.class, name = "tool_result_recorded"),
  @JsonSubTypes.Type(value = SessionUpdate.TurnStarted.class, name = "turn_started"),
  @JsonSubTypes.Type(value = SessionUpdate.TurnCompleted.class, name = "turn_completed"),
  @JsonSubTypes.Type(value = SessionUpdate.TurnFailed.class, name = "turn_failed"),
  @JsonSubTypes.Type(value = SessionUpdate.TurnCancelled.class, name = "turn_cancelled"),
  @JsonSubTypes.Type(value = SessionUpdate.PlanStarted.class, name = "plan_started"),
  @JsonSubTypes.Type(value = SessionUpdate.TaskStarted.class, name = "task_started"),
  @JsonSubTypes.Type(value = SessionUpdate.TaskCompleted.class, name = "task_completed"),
  @JsonSubTypes.Type(value = SessionUpdate.TaskFailed.class, name = "task_failed"),
  @JsonSubTypes.Type(value = SessionUpdate.PlanCompleted.class, name = "plan_completed")
})
public sealed interface SessionUpdate extends JsonSerializable {

  /** The subscription is in place; {@code session} is the entity, to watch for hand-off or crash. */
  record Subscribed(ActorRef<Session.Command> session, String sessionId, String currentAgent, long lastSeq)
      implements SessionUpdate {}

  /**
   * No subscription: the session does not exist or belongs to someone else (both look the same), or
   * ({@code temporary}) its history cannot be read right now.
   */
  record SubscriptionRefused(String reason, boolean temporary) implements SessionUpdate {}

  /** Persisted updates from the journal for a client catching up, in seq order, delivered together. */
  record Batch(java.util.List<SessionUpdate> updates) implements SessionUpdate {}

  record MessageAccepted(long seq, String operationId, String content) implements SessionUpdate {}

  /**
   * {@code count}: how many of the turn's deltas this one carries, from {@code index} on (the running
   * turn's partial text goes to a client that joins as one delta). Version 2 ({@link MergedDeltas}).
   */
  record AssistantDelta(String turnId, int index, String token, int count) implements SessionUpdate {
    public AssistantDelta(String turnId, int index, String token) {
      this(turnId, index, token, 1);
    }
  }

  record AssistantMessage(long seq, String turnId, String content, Session.Usage usage) implements SessionUpdate {}

  record AgentSwitched(long seq, String fromAgent, String toAgent, String reason) implements SessionUpdate {}

  /** Which agent, version and model answer the turn (null in turns from before agents were entities). */
  record TurnStarted(long seq, String turnId, int attempt, String agentId, Integer agentVersion, String model) implements SessionUpdate {}

  /**
   * A call for the IDE: to run ({@code requiresApproval} false) or announced while it waits for a
   * human. {@code resent}: sent again to a client that came back while the call still waits; it
   * carries the seq of the event that first sent it.
   */
  record ToolCallRequested(
      long seq, String turnId, String callId, String toolName, String argumentsJson, boolean requiresApproval, boolean resent)
      implements SessionUpdate {}

  record ApprovalRequired(
      long seq, String callId, String toolName, String argumentsJson, String reason, java.time.Instant deadline, boolean resent)
      implements SessionUpdate {}

  /** {@code ruleId}: the approval rule that approved the call, null when a person or the deadline decided (version 3, {@link ApprovedByRule}). */
  record ApprovalResolved(long seq, String callId, String decision, String argumentsJson, String feedback, String ruleId)
      implements SessionUpdate {
    public ApprovalResolved(long seq, String callId, String decision, String argumentsJson, String feedback) {
      this(seq, callId, decision, argumentsJson, feedback, null);
    }
  }

  record ToolResultRecorded(long seq, String callId) implements SessionUpdate {}

  record TurnCompleted(long seq, String turnId) implements SessionUpdate {}

  record TurnCancelled(long seq, String turnId) implements SessionUpdate {}

  record TurnFailed(long seq, String turnId, String error) implements SessionUpdate {}

  // a plan's course (v1.1 "Orchestrated plans"); what its tasks say comes from their own sessions
  record PlanStarted(long seq, String planId, java.util.List<Plan.Task> tasks) implements SessionUpdate {}

  record TaskStarted(long seq, String planId, String taskId, String agentId, String sessionId) implements SessionUpdate {}

  record TaskCompleted(long seq, String planId, String taskId, String content) implements SessionUpdate {}

  record TaskFailed(long seq, String planId, String taskId, String error) implements SessionUpdate {}

  record PlanCompleted(long seq, String planId) implements SessionUpdate {}

  /** The client-visible form of a persisted event, if it has one. */
  static Optional<SessionUpdate> of(Session.Event event, long seq) {
    if (event instanceof Session.UserMessageAccepted e) {
      return Optional.of(new MessageAccepted(seq, e.operationId(), e.content()));
    } else if (event instanceof Session.AssistantReplied e) {
      return Optional.of(new AssistantMessage(seq, e.turnId(), e.content(), e.usage()));
    } else if (event instanceof Session.TurnStarted e && e.agentId() != null) {
      // a turn from before agents were entities has no agent to tell of: its replay stays as v1 clients saw it
      return Optional.of(new TurnStarted(seq, e.turnId(), e.attempt(), e.agentId(), e.agentVersion(), e.model()));
    } else if (event instanceof Session.TurnCompleted e) {
      return Optional.of(new TurnCompleted(seq, e.turnId()));
    } else if (event instanceof Session.TurnFailed e) {
      return Optional.of(new TurnFailed(seq, e.turnId(), e.error()));
    } else if (event instanceof Session.ToolCallRequested e && !e.requiresApproval() && PlanDraft.isPlan(e.call().toolName())) {
      // a plan that needs no approval (or does not read) is nothing for the IDE to run: its plan_started or result tells
      return Optional.empty();
    } else if (event instanceof Session.ToolCallRequested e) {
      return Optional.of(new ToolCallRequested(seq, e.turnId(), e.call().callId(), e.call().toolName(), e.call().argumentsJson(), e.requiresApproval(), false));
    } else if (event instanceof Session.ApprovalRequested e) {
      return Optional.of(new ApprovalRequired(seq, e.callId(), e.toolName(), e.argumentsJson(), e.reason(), e.deadline(), false));
    } else if (event instanceof Session.ApprovalResolved e) {
      return Optional.of(new ApprovalResolved(seq, e.callId(), e.decision().word(), e.argumentsJson(), e.feedback(), e.ruleId()));
    } else if (event instanceof Session.ToolCallReleased e) {
      return Optional.of(new ToolCallRequested(seq, e.turnId(), e.callId(), e.toolName(), e.argumentsJson(), false, false));
    } else if (event instanceof Session.ToolResultRecorded e) {
      return Optional.of(new ToolResultRecorded(seq, e.callId()));
    } else if (event instanceof Session.TurnCancelled e) {
      return Optional.of(new TurnCancelled(seq, e.turnId()));
    } else if (event instanceof Session.AgentSwitched e) {
      return Optional.of(new AgentSwitched(seq, e.fromAgent(), e.toAgent(), e.reason()));
    } else if (event instanceof Session.PlanStarted e) {
      return Optional.of(new PlanStarted(seq, e.planId(), e.tasks()));
    } else if (event instanceof Session.TaskStarted e) {
      return Optional.of(new TaskStarted(seq, e.planId(), e.taskId(), e.agentId(), e.sessionId()));
    } else if (event instanceof Session.TaskCompleted e) {
      return Optional.of(new TaskCompleted(seq, e.planId(), e.taskId(), e.content()));
    } else if (event instanceof Session.TaskFailed e) {
      return Optional.of(new TaskFailed(seq, e.planId(), e.taskId(), e.error()));
    } else if (event instanceof Session.PlanCompleted e) {
      return Optional.of(new PlanCompleted(seq, e.planId()));
    }
    return Optional.empty();
  }

  /** The sequence number of a persisted update, or -1 for a delta or a control message. */
  static long seqOf(SessionUpdate update) {
    if (update instanceof MessageAccepted u) return u.seq();
    if (update instanceof AssistantMessage u) return u.seq();
    if (update instanceof AgentSwitched u) return u.seq();
    if (update instanceof TurnStarted u) return u.seq();
    if (update instanceof TurnCompleted u) return u.seq();
    if (update instanceof TurnFailed u) return u.seq();
    if (update instanceof TurnCancelled u) return u.seq();
    if (update instanceof ToolResultRecorded u) return u.seq();
    if (update instanceof PlanStarted u) return u.seq();
    if (update instanceof TaskStarted u) return u.seq();
    if (update instanceof TaskCompleted u) return u.seq();
    if (update instanceof TaskFailed u) return u.seq();
    if (update instanceof PlanCompleted u) return u.seq();
    if (update instanceof ApprovalResolved u) return u.seq();
    if (update instanceof ToolCallRequested u) return u.resent() ? -1 : u.seq();
    if (update instanceof ApprovalRequired u) return u.resent() ? -1 : u.seq();
    return -1;
  }
}
