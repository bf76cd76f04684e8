package codelab.session;

import codelab.session.Session.ApprovalResolved;
import codelab.session.Session.Event;
import codelab.session.Session.ToolCallReleased;
import codelab.session.Session.ToolResultRecorded;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How a waiting tool call is answered: by a person, with the IDE's result (which also decides a call
 * still waiting for approval) or a human's decision, or by a project's approval rule. Pure rules: the
 * entity persists what they give.
 * The first event of an answer carries the command's operation id, so that the state remembers it.
 */
final class ToolCallAnswers {

  private ToolCallAnswers() {}

  static Outcome result(SessionState state, Session.RecordToolResult cmd, Instant now) {
    Optional<SessionState.PendingCall> pending = state.pendingCall(cmd.callId());
    if (pending.isEmpty()) return Outcome.refused(unknownOrAnswered(state, cmd.callId()));
    Session.ToolCall call = pending.get().call();
    boolean plan = PlanDraft.isPlan(call.toolName());
    if (plan && !pending.get().awaitingApproval()) return Outcome.refused(SessionError.SERVER_CALL);
    // a client that approves a plan by answering it (as the IDE approves locally) runs the plan, not its result
    if (plan && cmd.error() == null) {
      return released(state, pending.get(),
          new ApprovalResolved(call.callId(), ApprovalDecision.APPROVE, call.argumentsJson(), null, cmd.operationId(), now));
    }
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
  static Outcome decision(SessionState state, Session.Decide cmd, PlanLimits plans, Instant now) {
    Optional<ApprovalDecision> decision = ApprovalDecision.byPerson(cmd.decision());
    if (decision.isEmpty()) return Outcome.refused(SessionError.INVALID_DECISION);
    Optional<SessionError> notWaiting = notWaiting(state, cmd.callId());
    if (notWaiting.isPresent()) return Outcome.refused(notWaiting.get());
    if (decision.get() == ApprovalDecision.REJECT) {
      return Outcome.of(new ApprovalResolved(cmd.callId(), ApprovalDecision.REJECT, null, cmd.feedback(), cmd.operationId(), now));
    }
    SessionState.PendingCall pending = state.pendingCall(cmd.callId()).orElseThrow();
    String arguments = pending.call().argumentsJson();
    if (decision.get() == ApprovalDecision.EDIT) {
      if (!TurnRunner.isJsonObject(cmd.modifiedArgumentsJson())) return Outcome.refused(SessionError.ARGUMENTS_REQUIRED);
      // an edited plan is read as the model's is: what would not run is refused before anything does
      if (PlanDraft.isPlan(pending.call().toolName()) && !PlanDraft.read(cmd.modifiedArgumentsJson(), state.projectId(), plans.maxTasks()).isValid()) {
        return Outcome.refused(SessionError.INVALID_PLAN);
      }
      arguments = cmd.modifiedArgumentsJson();
    }
    return released(state, pending, new ApprovalResolved(cmd.callId(), decision.get(), arguments, cmd.feedback(), cmd.operationId(), now));
  }

  /**
   * A project's approval rule approves the call as a person's approval would, recorded with the
   * rule's id: only while it still waits for a decision, and only with the arguments the rule was shown.
   */
  static Outcome byRule(SessionState state, Session.RuleAnswered answered, Instant now) {
    Optional<SessionError> notWaiting = notWaiting(state, answered.callId());
    if (notWaiting.isPresent()) return Outcome.refused(notWaiting.get());
    SessionState.PendingCall pending = state.pendingCall(answered.callId()).orElseThrow();
    if (!pending.call().argumentsJson().equals(answered.argumentsJson())) return Outcome.refused(SessionError.NOT_AWAITING_APPROVAL);
    return released(state, pending,
        new ApprovalResolved(answered.callId(), ApprovalDecision.APPROVE, pending.call().argumentsJson(), null, null, answered.ruleId(), now));
  }

  /** Why the call does not wait for a decision (unknown, not asked, expired, decided); empty when it does. */
  private static Optional<SessionError> notWaiting(SessionState state, String callId) {
    Optional<SessionState.Approval> approval = state.approval(callId);
    Optional<SessionState.PendingCall> pending = state.pendingCall(callId);
    if (approval.isEmpty()) return Optional.of(pending.isPresent() ? SessionError.NOT_AWAITING_APPROVAL : SessionError.CALL_NOT_FOUND);
    if (approval.get().status() == ApprovalStatus.EXPIRED) return Optional.of(SessionError.APPROVAL_EXPIRED);
    if (!approval.get().isPending() || pending.isEmpty() || !pending.get().awaitingApproval()) return Optional.of(SessionError.ALREADY_DECIDED);
    return Optional.empty();
  }

  /** The approval, then the call sent to the IDE with the arguments it approved; an approved plan starts instead. */
  private static Outcome released(SessionState state, SessionState.PendingCall pending, ApprovalResolved approved) {
    if (PlanDraft.isPlan(pending.call().toolName())) {
      return Outcome.of(approved, PlanSteps.started(state, approved.callId(), approved.argumentsJson(), approved.at()));
    }
    return Outcome.of(
        approved,
        new ToolCallReleased(state.turn().turnId(), approved.callId(), pending.call().toolName(), approved.argumentsJson(), approved.at()));
  }

  private static SessionError unknownOrAnswered(SessionState state, String callId) {
    boolean known = state.messages().stream().anyMatch(m -> callId.equals(m.toolCallId()));
    return known ? SessionError.CALL_ALREADY_ANSWERED : SessionError.CALL_NOT_FOUND;
  }
}
