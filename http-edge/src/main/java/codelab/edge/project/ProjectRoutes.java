package codelab.edge.project;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.edge.ApiError;
import codelab.edge.agent.AgentRoutes;
import codelab.edge.EdgeSettings;
import codelab.edge.EntityId;
import codelab.edge.ErrorHandling;
import codelab.edge.JsonResponses;
import codelab.edge.Paging;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.Authenticator;
import codelab.edge.session.SessionJson;
import codelab.project.Project;
import codelab.project.ProjectError;
import codelab.project.application.ProjectCreation;
import codelab.project.application.ProjectDeletion;
import codelab.project.application.ProjectLists;
import codelab.session.application.SessionLists;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Projects over REST: list, create, get, update, delete, and a project's sessions, agents and approval rules. Another user's
 * project is always 404, decided by the project entity itself.
 */
public final class ProjectRoutes extends AllDirectives {

  private static final int MAX_NAME = 100;
  private static final int MAX_DESCRIPTION = 2000;

  /** The workflows behind the routes. */
  public record Services(
      ProjectCreation creation, ProjectLists lists, ProjectDeletion deletion, SessionLists sessions, AgentRoutes agents,
      ApprovalRuleRoutes approvalRules) {}

  private final ActorSystem<?> system;
  private final Authenticator authenticator;
  private final EdgeSettings settings;
  private final Services services;

  public ProjectRoutes(ActorSystem<?> system, Authenticator authenticator, EdgeSettings settings, Services services) {
    this.system = system;
    this.authenticator = authenticator;
    this.settings = settings;
    this.services = services;
  }

  public Route routes() {
    return pathPrefix(
        segment("api").slash("v1").slash("projects"),
        () ->
            authenticator.authenticated(
                user ->
                    concat(
                        pathEndOrSingleSlash(
                            () ->
                                concat(
                                    get(() -> Paging.fromQuery(paging -> list(user, paging))),
                                    post(() -> JsonResponses.withJsonObject(body -> create(user, body))))),
                        pathPrefix(
                            segment(),
                            projectId ->
                                concat(
                                    pathEndOrSingleSlash(
                                        () ->
                                            concat(
                                                get(() -> one(user, projectId)),
                                                patch(() -> JsonResponses.withJsonObject(body -> update(user, projectId, body))),
                                                delete(() -> remove(user, projectId)))),
                                    path("sessions", () -> get(() -> Paging.fromQuery(paging -> sessions(user, projectId, paging)))),
                                    path("agents", () -> services.agents().ofProject(user, projectId)),
                                    path("approval-rules", () -> services.approvalRules().ofProject(user, projectId)))))));
  }

  private Route list(AuthenticatedUser user, Paging paging) {
    return completeWithFuture(
        services.lists()
            .ofUser(user.userId(), paging.offset(), paging.limit())
            .thenApply(page -> JsonResponses.response(StatusCodes.OK, ProjectJson.ProjectPage.of(page.projects(), page.total(), paging))));
  }

  private Route create(AuthenticatedUser user, JsonNode body) {
    String name = JsonResponses.text(body, "name");
    String description = JsonResponses.text(body, "description");
    Optional<HttpResponse> invalid = validate(name, description, true);
    if (invalid.isPresent()) return complete(invalid.get());
    return completeWithFuture(
        services.creation()
            .create(user.userId(), name, description)
            .thenApply(created -> JsonResponses.response(StatusCodes.CREATED, ProjectJson.ProjectBody.of(created))));
  }

  private Route one(AuthenticatedUser user, String projectId) {
    if (!EntityId.isWellFormed(projectId)) return complete(ApiError.notFound("project"));
    return completeWithFuture(
        Project.entityRef(system, projectId)
            .<Project.Summary>askWithStatus(replyTo -> new Project.Get(user.userId(), replyTo), settings.askTimeout())
            .thenApply(project -> JsonResponses.response(StatusCodes.OK, ProjectJson.ProjectBody.of(project)))
            .exceptionallyCompose(ProjectRoutes::refusal));
  }

  private Route update(AuthenticatedUser user, String projectId, JsonNode body) {
    if (!EntityId.isWellFormed(projectId)) return complete(ApiError.notFound("project"));
    String name = JsonResponses.text(body, "name");
    String description = JsonResponses.text(body, "description");
    Optional<HttpResponse> invalid = validate(name, description, false);
    if (invalid.isPresent()) return complete(invalid.get());
    return completeWithFuture(
        Project.entityRef(system, projectId)
            .<Project.Summary>askWithStatus(replyTo -> new Project.Update(user.userId(), name, description, replyTo), settings.askTimeout())
            .thenApply(project -> JsonResponses.response(StatusCodes.OK, ProjectJson.ProjectBody.of(project)))
            .exceptionallyCompose(ProjectRoutes::refusal));
  }

  private Route remove(AuthenticatedUser user, String projectId) {
    if (!EntityId.isWellFormed(projectId)) return complete(ApiError.notFound("project"));
    return completeWithFuture(
        services.deletion()
            .delete(user.userId(), projectId)
            .thenApply(deleted -> deleted ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT) : ApiError.notFound("project")));
  }

  private Route sessions(AuthenticatedUser user, String projectId, Paging paging) {
    if (!EntityId.isWellFormed(projectId)) return complete(ApiError.notFound("project"));
    return completeWithFuture(
        services.sessions()
            .ofProject(user.userId(), projectId, paging.offset(), paging.limit())
            .thenApply(
                page ->
                    page.map(p -> JsonResponses.response(StatusCodes.OK, SessionJson.SessionPage.of(p.sessions(), p.total(), paging)))
                        .orElseGet(() -> ApiError.notFound("project"))));
  }

  /** A project's refusal as REST answers it; to its owner, a project that answers anything else is not there either. */
  private static CompletionStage<HttpResponse> refusal(Throwable failure) {
    return ErrorHandling.onRefusal(failure, ProjectError::ofMessage, reason -> ApiError.notFound("project"));
  }

  private static Optional<HttpResponse> validate(String name, String description, boolean nameRequired) {
    if (nameRequired && name == null) return Optional.of(ApiError.badRequest("name is required"));
    if (name != null && name.length() > MAX_NAME) return Optional.of(ApiError.badRequest("name must be at most " + MAX_NAME + " characters"));
    if (description != null && description.length() > MAX_DESCRIPTION) {
      return Optional.of(ApiError.badRequest("description must be at most " + MAX_DESCRIPTION + " characters"));
    }
    return Optional.empty();
  }
}
