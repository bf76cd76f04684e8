package codelab.edge.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The WebSocket messages of PROTOCOL.md that the server sends, as records written by the one wire
 * mapper ({@code WireJson}): snake_case keys, null-valued keys omitted, {@code type} first.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ServerMessage.SessionInfo.class, name = "session_info"),
  @JsonSubTypes.Type(value = ServerMessage.MessageAccepted.class, name = "message_accepted"),
  @JsonSubTypes.Type(value = ServerMessage.AssistantDelta.class, name = "assistant_delta"),
  @JsonSubTypes.Type(value = ServerMessage.AssistantMessage.class, name = "assistant_message"),
  @JsonSubTypes.Type(value = ServerMessage.AgentSwitched.class, name = "agent_switched"),
  @JsonSubTypes.Type(value = ServerMessage.ToolCall.class, name = "tool_call"),
  @JsonSubTypes.Type(value = ServerMessage.ApprovalRequired.class, name = "approval_required"),
  @JsonSubTypes.Type(value = ServerMessage.ApprovalResolved.class, name = "approval_resolved"),
  @JsonSubTypes.Type(value = ServerMessage.ToolResultRecorded.class, name = "tool_result_recorded"),
  @JsonSubTypes.Type(value = ServerMessage.TurnStarted.class, name = "turn_started"),
  @JsonSubTypes.Type(value = ServerMessage.TurnCompleted.class, name = "turn_completed"),
  @JsonSubTypes.Type(value = ServerMessage.TurnFailed.class, name = "turn_failed"),
  @JsonSubTypes.Type(value = ServerMessage.TurnCancelled.class, name = "turn_cancelled"),
  @JsonSubTypes.Type(value = ServerMessage.PlanStarted.class, name = "plan_started"),
  @JsonSubTypes.Type(value = ServerMessage.TaskStarted.class, name = "task_started"),
  @JsonSubTypes.Type(value = ServerMessage.TaskCompleted.class, name = "task_completed"),
  @JsonSubTypes.Type(value = ServerMessage.TaskFailed.class, name = "task_failed"),
  @JsonSubTypes.Type(value = ServerMessage.PlanCompleted.class, name = "plan_completed"),
  @JsonSubTypes.Type(value = ServerMessage.Resync.class, name = "resync"),
  @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error"),
  @JsonSubTypes.Type(value = ServerMessage.Pong.class, name = "pong")
})
sealed interface ServerMessage {

  /** A message that reflects a persisted event: its {@code seq} is where a client resumes from. */
  sealed interface Persisted extends ServerMessage {
    long seq();
  }

  record SessionInfo(String sessionId, String currentAgent, long lastSeq) implements ServerMessage {}

  record MessageAccepted(long seq, String role, String content, String operationId) implements Persisted {}

  /**
   * {@code count}: how many of the turn's deltas this one carries (absent: one); the next delta's
   * index is {@code index + count}. Deltas are merged for a client that is behind or resuming.
   */
  record AssistantDelta(String turnId, int index, String token, Integer count) implements ServerMessage {
    int deltas() {
      return count == null ? 1 : count;
    }
  }

  record Usage(int promptTokens, int completionTokens, int totalTokens) {}

  record AssistantMessage(long seq, String turnId, String content, @JsonProperty("is_final") boolean isFinal, Usage usage)
      implements Persisted {}

  record AgentSwitched(long seq, String fromAgent, String toAgent, String reason, String content) implements Persisted {}

  /** {@code resent}: true on a call sent again to a client that came back; absent otherwise. */
  record ToolCall(
      long seq, String turnId, String callId, String toolName, JsonNode arguments, boolean requiresApproval,
      @JsonProperty("is_final") boolean isFinal, Boolean resent)
      implements Persisted {}

  record ApprovalRequired(
      long seq, String callId, String toolName, JsonNode arguments, String reason, String deadline, Boolean resent)
      implements Persisted {}

  /** {@code ruleId}: the approval rule that approved the call (v1.1 "Approvals across sessions"); absent when a person or the deadline decided. */
  record ApprovalResolved(long seq, String callId, String decision, JsonNode arguments, String feedback, String ruleId) implements Persisted {}

  record ToolResultRecorded(long seq, String callId) implements Persisted {}

  /** An addition to PROTOCOL.md (v1.1 "Agents": every turn records which agent, version and model answer it). */
  record TurnStarted(long seq, String turnId, int attempt, String agentId, Integer agentVersion, String model) implements Persisted {}

  record TurnCompleted(long seq, String turnId) implements Persisted {}

  record TurnFailed(long seq, String turnId, String error) implements Persisted {}

  record TurnCancelled(long seq, String turnId) implements Persisted {}

  // v1.1 "Orchestrated plans"
  record PlanStarted(long seq, String planId, java.util.List<PlanJson.TaskBody> tasks) implements Persisted {}

  /** {@code sessionId}: the task's own session (its history and events are the owner's to read). */
  record TaskStarted(long seq, String planId, String taskId, String agentId, String sessionId) implements Persisted {}

  record TaskCompleted(long seq, String planId, String taskId, String content) implements Persisted {}

  record TaskFailed(long seq, String planId, String taskId, String error) implements Persisted {}

  record PlanCompleted(long seq, String planId) implements Persisted {}

  /**
   * A frame of a plan's task session, passed on to the parent session's clients: the task's own frame
   * (assistant_delta, tool_call, approval_required, …) with {@code task_id} and {@code task_session_id}
   * added, and its {@code seq} (the task session's) as {@code task_seq}: the parent's seq stays the one
   * resume point. Written by {@link WireMessages#text}.
   */
  record ForTask(String taskId, String taskSessionId, ServerMessage frame) implements ServerMessage {}

  record Resync(String reason) implements ServerMessage {}

  /** A problem with the client's last message; {@code content} and {@code error} say the same, for the IDE's two readers. */
  record Error(String code, String content, String error) implements ServerMessage {}

  record Pong() implements ServerMessage {}
}
