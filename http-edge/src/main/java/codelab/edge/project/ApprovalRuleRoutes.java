package codelab.edge.project;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.EntityId;
import codelab.edge.ErrorHandling;
import codelab.edge.JsonResponses;
import codelab.edge.Paging;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.Authenticator;
import codelab.project.Project;
import codelab.project.ProjectError;
import codelab.project.application.ApprovalRuleDeletion;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Approval rules over REST (PROTOCOL.md v1.1 "Approvals across sessions"): a project's live rules,
 * and deleting one by its id. Rules are made by decisions ({@code remember}), not here. Another
 * user's project or rule is 404, decided by the project entity itself.
 */
public final class ApprovalRuleRoutes extends AllDirectives {

  private final ActorSystem<?> system;
  private final Authenticator authenticator;
  private final EdgeSettings settings;
  private final ApprovalRuleDeletion deletion;

  public ApprovalRuleRoutes(ActorSystem<?> system, Authenticator authenticator, EdgeSettings settings, ApprovalRuleDeletion deletion) {
    this.system = system;
    this.authenticator = authenticator;
    this.settings = settings;
    this.deletion = deletion;
  }

  /** {@code GET /api/v1/projects/{id}/approval-rules}, under the project routes: live rules, newest first. */
  public Route ofProject(AuthenticatedUser user, String projectId) {
    return get(() -> Paging.fromQuery(Paging.V1_1_DEFAULT_LIMIT, paging -> list(user, projectId, paging)));
  }

  /** {@code DELETE /api/v1/approval-rules/{id}}: 204, or 404 for a rule that expired, was deleted, or is not the caller's. */
  public Route routes() {
    return path(
        segment("api").slash("v1").slash("approval-rules").slash(segment()),
        ruleId -> authenticator.authenticated(user -> delete(() -> remove(user, ruleId))));
  }

  private Route list(AuthenticatedUser user, String projectId, Paging paging) {
    if (!EntityId.isWellFormed(projectId)) return complete(ApiError.notFound("project"));
    return completeWithFuture(
        Project.entityRef(system, projectId)
            .<Project.ApprovalRulePage>askWithStatus(
                replyTo -> new Project.ListApprovalRules(user.userId(), paging.offset(), paging.limit(), replyTo), settings.askTimeout())
            .thenApply(page -> JsonResponses.response(StatusCodes.OK, ApprovalRuleJson.RulePage.of(projectId, page.rules(), page.total(), paging)))
            .exceptionallyCompose(failure -> ErrorHandling.onRefusal(failure, ProjectError::ofMessage, reason -> ApiError.notFound("project"))));
  }

  private Route remove(AuthenticatedUser user, String ruleId) {
    if (!EntityId.isWellFormed(ruleId)) return complete(ApiError.notFound("approval rule"));
    return completeWithFuture(
        deletion.delete(user.userId(), ruleId)
            .thenApply(deleted -> deleted ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT) : ApiError.notFound("approval rule")));
  }
}
