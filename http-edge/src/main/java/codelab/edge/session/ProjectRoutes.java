package codelab.edge.session;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.JsonResponses;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.Authenticator;
import codelab.project.Project;
import codelab.user.User;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * Projects over REST: list, create, get, update, delete, and a project's sessions. Another user's
 * project is always 404, decided by the project entity itself.
 */
public final class ProjectRoutes extends AllDirectives {

  private static final int MAX_NAME = 100;
  private static final int MAX_DESCRIPTION = 2000;

  private final ActorSystem<?> system;
  private final Authenticator authenticator;
  private final EdgeSettings settings;
  private final SessionRoutes sessions;

  public ProjectRoutes(ActorSystem<?> system, Authenticator authenticator, EdgeSettings settings) {
    this.system = system;
    this.authenticator = authenticator;
    this.settings = settings;
    this.sessions = new SessionRoutes(system, authenticator, settings);
  }

  /** A user's default project, whose id derives from the user's; created on first use (again harmlessly if twice). */
  static CompletionStage<StatusReply<Project.Summary>> defaultProject(ActorSystem<?> system, String userId, Duration timeout) {
    String projectId = UUID.nameUUIDFromBytes(("default-project:" + userId).getBytes(StandardCharsets.UTF_8)).toString();
    return Project.entityRef(system, projectId)
        .<StatusReply<Project.Summary>>ask(replyTo -> new Project.Create(userId, "Default", "Sessions created without a project", replyTo), timeout)
        .thenCompose(
            created ->
                User.entityRef(system, userId)
                    .<Done>ask(replyTo -> new User.AddProject(projectId, replyTo), timeout)
                    .thenApply(added -> created));
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
                                    get(() -> parameterOptional("limit", limit -> parameterOptional("offset", offset -> list(user, limit, offset)))),
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
                                    path(
                                        "sessions",
                                        () ->
                                            get(
                                                () ->
                                                    parameterOptional(
                                                        "limit",
                                                        limit -> parameterOptional("offset", offset -> projectSessions(user, projectId, limit, offset))))))))));
  }

  private Route list(AuthenticatedUser user, Optional<String> limit, Optional<String> offset) {
    StringBuilder problem = new StringBuilder();
    Optional<Paging> paging = Paging.parse(limit, offset, problem);
    if (paging.isEmpty()) return complete(ApiError.badRequest(problem.toString()));
    CompletionStage<HttpResponse> response =
        defaultProject(system, user.userId(), settings.askTimeout())
            .thenCompose(
                ensured ->
                    User.entityRef(system, user.userId())
                        .<User.ProjectPage>ask(replyTo -> new User.ListProjects(paging.get().offset(), paging.get().limit(), replyTo), settings.askTimeout()))
            .thenCompose(
                page ->
                    EntityReads.each(
                            page.projectIds(),
                            id -> Project.entityRef(system, id).<StatusReply<Project.Summary>>ask(replyTo -> new Project.Get(user.userId(), replyTo), settings.askTimeout()),
                            ProjectRoutes::json)
                        .thenApply(
                            projects -> {
                              Map<String, Object> body = new LinkedHashMap<>();
                              body.put("projects", projects);
                              body.put("total", page.total());
                              body.put("limit", paging.get().limit());
                              body.put("offset", paging.get().offset());
                              return JsonResponses.response(StatusCodes.OK, body);
                            }));
    return completeWithFuture(response);
  }

  private Route create(AuthenticatedUser user, JsonNode body) {
    String name = SessionRoutes.text(body, "name");
    String description = SessionRoutes.text(body, "description");
    Optional<HttpResponse> invalid = validate(name, description, true);
    if (invalid.isPresent()) return complete(invalid.get());
    String projectId = UUID.randomUUID().toString();
    return completeWithFuture(
        Project.entityRef(system, projectId)
            .<StatusReply<Project.Summary>>ask(replyTo -> new Project.Create(user.userId(), name, description, replyTo), settings.askTimeout())
            .thenCompose(
                created ->
                    User.entityRef(system, user.userId())
                        .<Done>ask(replyTo -> new User.AddProject(projectId, replyTo), settings.askTimeout())
                        .thenApply(added -> JsonResponses.response(StatusCodes.CREATED, json(created.getValue())))));
  }

  private Route one(AuthenticatedUser user, String projectId) {
    if (!SessionRoutes.isSessionId(projectId)) return complete(ApiError.notFound("project"));
    return completeWithFuture(
        Project.entityRef(system, projectId)
            .<StatusReply<Project.Summary>>ask(replyTo -> new Project.Get(user.userId(), replyTo), settings.askTimeout())
            .thenApply(reply -> reply.isError() ? ApiError.notFound("project") : JsonResponses.response(StatusCodes.OK, json(reply.getValue()))));
  }

  private Route update(AuthenticatedUser user, String projectId, JsonNode body) {
    if (!SessionRoutes.isSessionId(projectId)) return complete(ApiError.notFound("project"));
    String name = SessionRoutes.text(body, "name");
    String description = SessionRoutes.text(body, "description");
    Optional<HttpResponse> invalid = validate(name, description, false);
    if (invalid.isPresent()) return complete(invalid.get());
    return completeWithFuture(
        Project.entityRef(system, projectId)
            .<StatusReply<Project.Summary>>ask(replyTo -> new Project.Update(user.userId(), name, description, replyTo), settings.askTimeout())
            .thenApply(reply -> reply.isError() ? ApiError.notFound("project") : JsonResponses.response(StatusCodes.OK, json(reply.getValue()))));
  }

  private Route remove(AuthenticatedUser user, String projectId) {
    if (!SessionRoutes.isSessionId(projectId)) return complete(ApiError.notFound("project"));
    return completeWithFuture(
        Project.entityRef(system, projectId)
            .<StatusReply<Done>>ask(replyTo -> new Project.Delete(user.userId(), replyTo), settings.askTimeout())
            .thenApply(reply -> reply.isError() ? ApiError.notFound("project") : HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)));
  }

  private Route projectSessions(AuthenticatedUser user, String projectId, Optional<String> limit, Optional<String> offset) {
    if (!SessionRoutes.isSessionId(projectId)) return complete(ApiError.notFound("project"));
    StringBuilder problem = new StringBuilder();
    Optional<Paging> paging = Paging.parse(limit, offset, problem);
    if (paging.isEmpty()) return complete(ApiError.badRequest(problem.toString()));
    return completeWithFuture(
        Project.entityRef(system, projectId)
            .<StatusReply<Project.SessionPage>>ask(
                replyTo -> new Project.ListSessions(user.userId(), paging.get().offset(), paging.get().limit(), replyTo), settings.askTimeout())
            .thenCompose(
                reply ->
                    reply.isError()
                        ? CompletableFuture.completedFuture(ApiError.notFound("project"))
                        : sessions.sessionPage(user, reply.getValue().sessionIds(), reply.getValue().total(), paging.get())));
  }

  private static Optional<HttpResponse> validate(String name, String description, boolean nameRequired) {
    if (nameRequired && name == null) return Optional.of(ApiError.badRequest("name is required"));
    if (name != null && name.length() > MAX_NAME) return Optional.of(ApiError.badRequest("name must be at most " + MAX_NAME + " characters"));
    if (description != null && description.length() > MAX_DESCRIPTION) {
      return Optional.of(ApiError.badRequest("description must be at most " + MAX_DESCRIPTION + " characters"));
    }
    return Optional.empty();
  }

  private static Map<String, Object> json(Project.Summary p) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", p.projectId());
    json.put("name", p.name());
    json.put("description", p.description());
    json.put("session_count", p.sessionCount());
    json.put("created_at", p.createdAt().toString());
    json.put("updated_at", p.updatedAt().toString());
    return json;
  }
}
