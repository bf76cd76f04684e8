package codelab.session;

import codelab.project.Project;
import codelab.project.Projects;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Asks a session's project whether one of its approval rules approves a call that waits for a
 * person. The answer comes back to the session as {@link Session.RuleAnswered}, with the arguments
 * the project was shown: the session approves exactly those. A refusal (a project that is gone) or
 * no answer in time is "no rule": the call waits for a person; doubt never approves.
 */
final class ApprovalRuleChecks {

  private final ActorContext<Session.Command> context;
  private final Projects projects;
  private final Duration timeout;

  ApprovalRuleChecks(ActorContext<Session.Command> context, Projects projects, Duration timeout) {
    this.context = context;
    this.projects = projects;
    this.timeout = timeout;
  }

  /** For each approval these persisted events request. */
  void askAbout(List<Session.Event> events, SessionState state) {
    for (Session.Event event : events) {
      if (event instanceof Session.ApprovalRequested requested) ask(state, requested.callId(), requested.toolName(), requested.argumentsJson());
    }
  }

  /** For each approval still pending. */
  void askAboutPending(SessionState state) {
    for (SessionState.Approval approval : state.approvals()) {
      if (approval.isPending()) ask(state, approval.callId(), approval.toolName(), approval.argumentsJson());
    }
  }

  private void ask(SessionState state, String callId, String toolName, String argumentsJson) {
    // sessions of journals from before projects held no rule to ask
    if (state.projectId() == null) return;
    context.askWithStatus(
        Project.RuleMatch.class,
        projects.project(state.projectId()),
        timeout,
        replyTo -> new Project.MatchApprovalRule(state.ownerId(), state.sessionId(), toolName, argumentsJson, replyTo),
        (match, failure) -> new Session.RuleAnswered(callId, argumentsJson, match == null ? null : match.ruleId()));
  }
}
