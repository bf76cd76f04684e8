package codelab.edge.session;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.JsonResponses;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.Authenticator;
import codelab.project.Project;
import codelab.session.Session;
import codelab.user.User;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * Sessions over REST: create, list (the caller's own), get, history. Every read goes to the entity
 * with the caller's user id; the entity answers "not found" to anyone but the owner.
 */
public final class SessionRoutes extends AllDirectives {

  private static final Pattern UUID_FORMAT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final int MAX_TITLE = 200;

  private final ActorSystem<?> system;
  private final Authenticator authenticator;
  private final EdgeSettings settings;

  public SessionRoutes(ActorSystem<?> system, Authenticator authenticator, EdgeSettings settings) {
    this.system = system;
    this.authenticator = authenticator;
    this.settings = settings;
  }

  static boolean isSessionId(String value) {
    return UUID_FORMAT.matcher(value).matches();
  }

  public Route routes() {
    return pathPrefix(
        segment("api").slash("v1").slash("sessions"),
        () ->
            authenticator.authenticated(
                user ->
                    concat(
                        pathEndOrSingleSlash(
                            () ->
                                concat(
                                    post(() -> JsonResponses.withOptionalJsonObject(body -> create(user, body))),
                                    get(() -> parameterOptional("limit", limit -> parameterOptional("offset", offset -> list(user, limit, offset)))))),
                        pathPrefix(
                            segment(),
                            sessionId ->
                                concat(
                                    pathEndOrSingleSlash(() -> get(() -> summary(user, sessionId))),
                                    path("history", () -> get(() -> history(user, sessionId))),
                                    path("pending-approvals", () -> get(() -> pendingApprovals(user, sessionId))),
                                    path(
                                        segment("approvals").slash(segment()),
                                        callId -> post(() -> JsonResponses.withJsonObject(body -> decide(user, sessionId, callId, body)))))))));
  }

  private Route pendingApprovals(AuthenticatedUser user, String sessionId) {
    if (!isSessionId(sessionId)) return complete(ApiError.notFound("session"));
    return completeWithFuture(
        Session.entityRef(system, sessionId)
            .<StatusReply<Session.PendingApprovals>>ask(
                replyTo -> new Session.GetPendingApprovals(user.userId(), replyTo), settings.askTimeout())
            .thenApply(
                reply -> {
                  if (reply.isError()) return ApiError.notFound("session");
                  List<Map<String, Object>> approvals = new ArrayList<>();
                  for (codelab.session.SessionState.Approval a : reply.getValue().approvals()) {
                    Map<String, Object> approval = new LinkedHashMap<>();
                    approval.put("request_id", a.requestId());
                    approval.put("call_id", a.callId());
                    approval.put("tool_name", a.toolName());
                    approval.put("arguments", WireMessages.arguments(a.argumentsJson()));
                    approval.put("reason", a.reason());
                    approval.put("created_at", a.createdAt().toString());
                    approval.put("deadline", a.deadline().toString());
                    approvals.add(approval);
                  }
                  Map<String, Object> body = new LinkedHashMap<>();
                  body.put("session_id", sessionId);
                  body.put("pending_approvals", approvals);
                  body.put("count", approvals.size());
                  return JsonResponses.response(StatusCodes.OK, body);
                }));
  }

  /** A decision over REST: the same command as a hitl_decision on the WebSocket, from any device. */
  private Route decide(AuthenticatedUser user, String sessionId, String callId, JsonNode body) {
    if (!isSessionId(sessionId)) return complete(ApiError.notFound("session"));
    String decision = text(body, "decision");
    if (decision == null) return complete(ApiError.badRequest("decision is required: approve, edit or reject"));
    JsonNode modified = body.get("modified_arguments");
    String modifiedJson = modified == null || modified.isNull() ? null : modified.toString();
    String feedback = text(body, "feedback");
    return completeWithFuture(
        Session.entityRef(system, sessionId)
            .<StatusReply<Session.Decision>>ask(
                replyTo -> new Session.Decide(user.userId(), callId, decision, modifiedJson, feedback, replyTo), settings.askTimeout())
            .thenApply(
                reply -> {
                  if (reply.isSuccess()) {
                    return JsonResponses.response(StatusCodes.OK, Map.of("call_id", callId, "decision", reply.getValue().decision()));
                  }
                  String error = reply.getError().getMessage();
                  return switch (WireMessages.codeOf(error)) {
                    case "not_found" -> ApiError.response(StatusCodes.NOT_FOUND, "not_found", error);
                    case "conflict" -> ApiError.response(StatusCodes.CONFLICT, "conflict", error);
                    default -> ApiError.badRequest(error);
                  };
                }));
  }

  private Route create(AuthenticatedUser user, Optional<JsonNode> body) {
    String projectId = body.map(b -> text(b, "project_id")).orElse(null);
    String agentType = body.map(b -> text(b, "agent_type")).orElse(null);
    String title = body.map(b -> text(b, "title")).orElse(null);
    if (title != null && title.length() > MAX_TITLE) return complete(ApiError.badRequest("title must be at most " + MAX_TITLE + " characters"));
    if (projectId != null && !isSessionId(projectId)) return complete(ApiError.notFound("project"));
    String sessionId = UUID.randomUUID().toString();
    CompletionStage<StatusReply<Project.Summary>> project =
        projectId != null
            ? Project.entityRef(system, projectId).ask(replyTo -> new Project.Get(user.userId(), replyTo), settings.askTimeout())
            : ProjectRoutes.defaultProject(system, user.userId(), settings.askTimeout());
    CompletionStage<HttpResponse> response =
        project.thenCompose(
            found -> {
              if (found.isError()) return CompletableFuture.completedFuture(ApiError.notFound("project"));
              String inProject = found.getValue().projectId();
              return Session.entityRef(system, sessionId)
                  .<StatusReply<Session.Summary>>ask(
                      replyTo -> new Session.Create(user.userId(), inProject, title, agentType, replyTo), settings.askTimeout())
                  .thenCompose(reply -> reply.isError() ? CompletableFuture.completedFuture(refused(reply, agentType)) : listed(user, inProject, reply.getValue()));
            });
    return completeWithFuture(response);
  }

  /** A new session goes into its project's and its owner's lists before the client hears of it. */
  private CompletionStage<HttpResponse> listed(AuthenticatedUser user, String projectId, Session.Summary created) {
    return Project.entityRef(system, projectId)
        .<StatusReply<org.apache.pekko.Done>>ask(replyTo -> new Project.AddSession(user.userId(), created.sessionId(), replyTo), settings.askTimeout())
        .thenCompose(added -> User.entityRef(system, user.userId())
            .<org.apache.pekko.Done>ask(replyTo -> new User.AddSession(created.sessionId(), replyTo), settings.askTimeout()))
        .thenApply(done -> JsonResponses.response(StatusCodes.CREATED, sessionJson(created)));
  }

  private static HttpResponse refused(StatusReply<Session.Summary> reply, String agentType) {
    String error = reply.getError().getMessage();
    if (codelab.session.SessionError.UNKNOWN_AGENT.message().equals(error)) {
      return ApiError.badRequest("unknown agent_type '" + agentType + "'; known: " + codelab.agent.AgentProfile.knownTypes());
    }
    return ApiError.response(StatusCodes.CONFLICT, "conflict", error);
  }

  private Route list(AuthenticatedUser user, Optional<String> limitParam, Optional<String> offsetParam) {
    StringBuilder problem = new StringBuilder();
    Optional<Paging> paging = Paging.parse(limitParam, offsetParam, problem);
    if (paging.isEmpty()) return complete(ApiError.badRequest(problem.toString()));
    CompletionStage<HttpResponse> response =
        User.entityRef(system, user.userId())
            .<User.SessionPage>ask(replyTo -> new User.ListSessions(paging.get().offset(), paging.get().limit(), replyTo), settings.askTimeout())
            .thenCompose(page -> sessionPage(user, page.sessionIds(), page.total(), paging.get()));
    return completeWithFuture(response);
  }

  /** A page of sessions in the contract's list shape; sessions that cannot be read are left out. */
  CompletionStage<HttpResponse> sessionPage(AuthenticatedUser user, List<String> sessionIds, int total, Paging paging) {
    return summaries(user, sessionIds).thenApply(sessions -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("sessions", sessions);
      body.put("total", total);
      body.put("limit", paging.limit());
      body.put("offset", paging.offset());
      return JsonResponses.response(StatusCodes.OK, body);
    });
  }

  private CompletionStage<List<Map<String, Object>>> summaries(AuthenticatedUser user, List<String> sessionIds) {
    return EntityReads.each(
        sessionIds,
        id -> Session.entityRef(system, id).<StatusReply<Session.Summary>>ask(replyTo -> new Session.GetSummary(user.userId(), replyTo), settings.askTimeout()),
        SessionRoutes::sessionJson);
  }

  private Route summary(AuthenticatedUser user, String sessionId) {
    if (!isSessionId(sessionId)) return complete(ApiError.notFound("session"));
    return completeWithFuture(
        Session.entityRef(system, sessionId)
            .<StatusReply<Session.Summary>>ask(replyTo -> new Session.GetSummary(user.userId(), replyTo), settings.askTimeout())
            .thenApply(
                reply -> reply.isError() ? ApiError.notFound("session") : JsonResponses.response(StatusCodes.OK, sessionJson(reply.getValue()))));
  }

  private Route history(AuthenticatedUser user, String sessionId) {
    if (!isSessionId(sessionId)) return complete(ApiError.notFound("session"));
    return completeWithFuture(
        Session.entityRef(system, sessionId)
            .<StatusReply<Session.History>>ask(replyTo -> new Session.GetHistory(user.userId(), replyTo), settings.askTimeout())
            .thenApply(reply -> reply.isError() ? ApiError.notFound("session") : JsonResponses.response(StatusCodes.OK, historyJson(reply.getValue()))));
  }

  static Map<String, Object> sessionJson(Session.Summary s) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", s.sessionId());
    json.put("project_id", s.projectId());
    json.put("title", s.title());
    json.put("message_count", s.messageCount());
    json.put("created_at", s.createdAt().toString());
    json.put("last_activity", s.lastActivity().toString());
    json.put("is_active", s.active());
    json.put("current_agent", s.currentAgent());
    json.put("last_seq", s.lastSeq());
    return json;
  }

  private static Map<String, Object> historyJson(Session.History h) {
    List<Map<String, Object>> messages = new ArrayList<>();
    for (codelab.session.SessionState.ChatMessage m : h.messages()) {
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("role", m.role());
      message.put("content", m.content());
      message.put("created_at", m.at().toString());
      messages.add(message);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("session_id", h.sessionId());
    json.put("messages", messages);
    json.put("message_count", messages.size());
    json.put("last_activity", h.lastActivity().toString());
    json.put("current_agent", h.currentAgent());
    return json;
  }

  static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText().strip();
  }


}
