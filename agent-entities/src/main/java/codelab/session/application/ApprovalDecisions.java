package codelab.session.application;

import codelab.EntityError;
import codelab.Refusal;
import codelab.Retry;
import codelab.WorkflowSettings;
import codelab.project.ApprovalRule;
import codelab.project.ApprovalRuleMatch;
import codelab.project.Project;
import codelab.project.ProjectError;
import codelab.project.RuleScope;
import codelab.session.Session;
import codelab.session.SessionError;
import codelab.session.SessionState;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's approval that is to be remembered as an approval rule (PROTOCOL.md, "Approvals across
 * sessions"), from the WebSocket and REST alike. The rule must approve the very call it is made on
 * (no rule is made from a call it would not cover); it is added to the session's project, then the
 * approval is decided. A decision the session refuses (decided meanwhile on another device, expired)
 * takes its rule back: a rule lives only with the approval that made it. A session that does not
 * answer in time may have decided or not: the rule stays, listed and deletable, and the failure is
 * the caller's to see.
 *
 * <p>Once decided, the session matches its other pending approvals against the rules again: a step
 * that asked for several calls the new rule covers needs one decision, not several.
 */
public final class ApprovalDecisions {

  private static final Logger log = LoggerFactory.getLogger(ApprovalDecisions.class);

  /** What a person asks to remember: where ({@code session} or {@code project}), how long (ISO-8601, e.g. {@code PT1H}), which calls. */
  public record Remember(String scope, String ttl, ApprovalRuleMatch match) {}

  /** A decision on call {@code callId} of session {@code sessionId} that remembers a rule; {@code operationId} as on any decision. */
  public record Request(
      String userId, String sessionId, String callId, String decision, String feedback, String operationId, Remember remember) {}

  public sealed interface Outcome {}

  /**
   * {@code rule}: the rule made, in project {@code projectId}; both null for a retry of a decision made
   * before (the same operation id), which makes none.
   */
  public record Decided(Session.Decision decision, String projectId, ApprovalRule rule) implements Outcome {}

  /** What is wrong with the request, in words for the person. */
  public record Invalid(String problem) implements Outcome {}

  /** The session's or the project's refusal. */
  public record Refused(EntityError reason) implements Outcome {}

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;
  private final Duration maxTtl;

  /** @param maxTtl the longest a rule may live ({@code codelab.approval-rules.max-ttl}) */
  public ApprovalDecisions(ActorSystem<?> system, WorkflowSettings settings, Duration maxTtl) {
    this.system = system;
    this.settings = settings;
    this.maxTtl = maxTtl;
  }

  public CompletionStage<Outcome> decide(Request request) {
    List<String> problems = problems(request);
    if (!problems.isEmpty()) return done(new Invalid(String.join("; ", problems)));
    RuleScope scope = RuleScope.of(request.remember().scope()).orElseThrow();
    Duration ttl = Duration.parse(request.remember().ttl());
    EntityRef<Session.Command> session = Session.entityRef(system, request.sessionId());
    CompletionStage<Session.Summary> summary =
        session.askWithStatus(replyTo -> new Session.GetSummary(request.userId(), replyTo), settings.askTimeout());
    CompletionStage<Session.PendingApprovals> pending =
        session.askWithStatus(replyTo -> new Session.GetPendingApprovals(request.userId(), replyTo), settings.askTimeout());
    return summary
        .thenCombine(pending, (found, waiting) -> {
          Optional<SessionState.Approval> approval =
              waiting.approvals().stream().filter(a -> a.callId().equals(request.callId())).findFirst();
          // no longer waiting: the session's answer to the decision says why (or, to a retry, what was decided)
          if (approval.isEmpty()) return approve(request).<Outcome>thenApply(decided -> new Decided(decided, null, null));
          if (!request.remember().match().covers(approval.get().toolName(), approval.get().argumentsJson())) {
            return done(new Invalid("remember.match must cover the call it is made on, a call of " + approval.get().toolName()
                + " with these arguments; it does not"));
          }
          // sessions keep their rules in their project; one written before projects has none to keep them
          if (found.projectId() == null) return done(new Invalid("this session belongs to no project, where its rules would be kept"));
          return remembered(request, found.projectId(), scope, ttl);
        })
        .thenCompose(next -> next)
        .exceptionallyCompose(ApprovalDecisions::refused);
  }

  private CompletionStage<Outcome> remembered(Request request, String projectId, RuleScope scope, Duration ttl) {
    String ruleId = UUID.randomUUID().toString();
    return project(projectId)
        .<ApprovalRule>askWithStatus(
            replyTo -> new Project.AddApprovalRule(
                request.userId(), ruleId, scope, request.remember().match(), request.sessionId(), request.callId(), ttl, replyTo),
            settings.askTimeout())
        .thenCompose(rule -> approve(request).handle((decided, failure) -> {
          if (failure == null) {
            Session.entityRef(system, request.sessionId()).tell(new Session.CheckApprovalRules());
            return done(new Decided(decided, projectId, rule));
          }
          if (Refusal.reason(failure).isEmpty()) return CompletableFuture.<Outcome>failedFuture(failure);
          return takeBack(request.userId(), projectId, ruleId).thenCompose(takenBack -> CompletableFuture.<Outcome>failedFuture(failure));
        }))
        .thenCompose(next -> next);
  }

  private CompletionStage<Session.Decision> approve(Request request) {
    return Session.entityRef(system, request.sessionId())
        .askWithStatus(
            replyTo -> new Session.Decide(
                request.userId(), request.callId(), request.decision(), null, request.feedback(), request.operationId(), replyTo),
            settings.askTimeout());
  }

  /** The rule of a refused decision is deleted; if that fails too, it lives out its time to live, listed and deletable. */
  private CompletionStage<Done> takeBack(String userId, String projectId, String ruleId) {
    return Retry.onTimeout(
            settings.attempts(),
            () -> project(projectId).<Done>askWithStatus(replyTo -> new Project.DeleteApprovalRule(userId, ruleId, replyTo), settings.askTimeout()))
        .exceptionally(failure -> {
          if (!Refusal.is(failure, ProjectError.RULE_NOT_FOUND)) log.warn("approval rule {} of a refused decision stays: {}", ruleId, failure.toString());
          return Done.getInstance();
        });
  }

  private EntityRef<Project.Command> project(String projectId) {
    return Project.entityRef(system, projectId);
  }

  private List<String> problems(Request request) {
    List<String> problems = new ArrayList<>();
    if (!"approve".equals(request.decision())) problems.add("only an approval can be remembered, not an edit or a rejection");
    Remember remember = request.remember();
    if (RuleScope.of(remember.scope()).isEmpty()) problems.add("remember.scope must be session or project");
    ttlProblem(remember.ttl()).ifPresent(problems::add);
    if (remember.match() == null) problems.add("remember.match is required: {tool_name, path_prefix?, command_prefix?}");
    else problems.addAll(remember.match().problems());
    return problems;
  }

  private Optional<String> ttlProblem(String ttl) {
    Duration parsed;
    try {
      parsed = Duration.parse(ttl == null ? "" : ttl);
    } catch (DateTimeParseException e) {
      return Optional.of("remember.ttl must be an ISO-8601 duration such as PT1H");
    }
    if (parsed.isNegative() || parsed.isZero()) return Optional.of("remember.ttl must be positive");
    if (parsed.compareTo(maxTtl) > 0) return Optional.of("remember.ttl must be at most " + maxTtl);
    return Optional.empty();
  }

  /** A refusal of the session or of the project is an outcome; anything else (no answer in time) stays a failure. */
  private static CompletionStage<Outcome> refused(Throwable failure) {
    Optional<String> reason = Refusal.reason(failure);
    Optional<EntityError> error = reason.flatMap(r -> SessionError.ofMessage(r).<EntityError>map(e -> e).or(() -> ProjectError.ofMessage(r)));
    return error.<CompletionStage<Outcome>>map(e -> done(new Refused(e))).orElseGet(() -> CompletableFuture.failedFuture(failure));
  }

  private static CompletionStage<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }
}
