package codelab.session;

import codelab.session.Session.ApprovalResolved;
import codelab.session.Session.Event;
import codelab.session.Session.ToolCallReleased;
import codelab.session.Session.ToolResultRecorded;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How a waiting tool call is answered by a person: the IDE's result (which also decides a call
 * still waiting for approval) or a human's decision. Pure rules: the entity persists what they give.
 * The first event of an answer carries the command's operation id, so that the state remembers it.
 */
final class ToolCallAnswers {

  private ToolCallAnswers() {}

  static Outcome result(SessionState state, Session.RecordToolResult cmd, Instant now) {
    Optional<SessionState.PendingCall> pending = state.pendingCall(cmd.callId());
    if (pending.isEmpty()) return Outcome.refused(unknownOrAnswered(state, cmd.callId()));
    Session.ToolCall call = pending.get().call();
    if (!pending.get().awaitingApproval()) {
      return Outcome.of(new ToolResultRecorded(call.callId(), cmd.error() == null ? cmd.resultJson() : null, cmd.error(), cmd.operationId(), now));
    }
    // a client that decided locally: reporting an error rejected the call, running it approved it
    if (cmd.error() != null) return Outcome.of(new ApprovalResolved(call.callId(), ApprovalDecision.REJECT, null, cmd.error(), cmd.operationId(), now));
    return Outcome.of(
        new ApprovalResolved(call.callId(), ApprovalDecision.APPROVE, call.argumentsJson(), null, cmd.operationId(), now),
        new ToolResultRecorded(call.callId(), cmd.resultJson(), null, null, now));
  }

  /** Approve and edit release the call to the IDE (edit with the person's arguments); reject answers it for the model. */
  static Outcome decision(SessionState state, Session.Decide cmd, Instant now) {
    Optional<ApprovalDecision> decision = ApprovalDecision.byPerson(cmd.decision());
    if (decision.isEmpty()) return Outcome.refused(SessionError.INVALID_DECISION);
    Optional<SessionState.Approval> approval = state.approval(cmd.callId());
    Optional<SessionState.PendingCall> pending = state.pendingCall(cmd.callId());
    if (approval.isEmpty()) return Outcome.refused(pending.isPresent() ? SessionError.NOT_AWAITING_APPROVAL : SessionError.CALL_NOT_FOUND);
    if (approval.get().status() == ApprovalStatus.EXPIRED) return Outcome.refused(SessionError.APPROVAL_EXPIRED);
    if (!approval.get().isPending() || pending.isEmpty() || !pending.get().awaitingApproval()) {
      return Outcome.refused(SessionError.ALREADY_DECIDED);
    }
    if (decision.get() == ApprovalDecision.REJECT) {
      return Outcome.of(new ApprovalResolved(cmd.callId(), ApprovalDecision.REJECT, null, cmd.feedback(), cmd.operationId(), now));
    }
    String arguments = pending.get().call().argumentsJson();
    if (decision.get() == ApprovalDecision.EDIT) {
      if (!TurnRunner.isJsonObject(cmd.modifiedArgumentsJson())) return Outcome.refused(SessionError.ARGUMENTS_REQUIRED);
      arguments = cmd.modifiedArgumentsJson();
    }
    return Outcome.of(
        new ApprovalResolved(cmd.callId(), decision.get(), arguments, cmd.feedback(), cmd.operationId(), now),
        new ToolCallReleased(state.turn().turnId(), cmd.callId(), pending.get().call().toolName(), arguments, now));
  }

  private static SessionError unknownOrAnswered(SessionState state, String callId) {
    boolean known = state.messages().stream().anyMatch(m -> callId.equals(m.toolCallId()));
    return known ? SessionError.CALL_ALREADY_ANSWERED : SessionError.CALL_NOT_FOUND;
  }
}
