package codelab.edge.session;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.agent.AgentProfile;
import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.EntityId;
import codelab.edge.ErrorHandling;
import codelab.edge.JsonResponses;
import codelab.edge.Paging;
import codelab.edge.RequestTracing;
import codelab.edge.WireJson;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.Authenticator;
import codelab.edge.project.ApprovalRuleJson;
import codelab.session.Session;
import codelab.session.SessionError;
import codelab.session.application.ApprovalDecisions;
import codelab.session.application.SessionCreation;
import codelab.session.application.SessionLists;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * Sessions over REST: create, list (the caller's own), get, rename, archive (also as DELETE), history, approvals, and
 * for clients without a WebSocket, messages, tool results, cancel and the session's stream.
 * Commands to one session go to the entity with the caller's user id; the entity answers "not found"
 * to anyone but the owner.
 */
public final class SessionRoutes extends AllDirectives {

  private static final int MAX_TITLE = 200;

  private final ActorSystem<?> system;
  private final Authenticator authenticator;
  private final EdgeSettings settings;
  private final SessionCreation creation;
  private final SessionLists lists;
  private final SessionStream stream;
  private final ApprovalDecisions decisions;
  private final PlanRoutes plans;

  public SessionRoutes(
      ActorSystem<?> system, Authenticator authenticator, EdgeSettings settings, SessionCreation creation, SessionLists lists,
      SessionStream stream, ApprovalDecisions decisions) {
    this.system = system;
    this.plans = new PlanRoutes(system, authenticator, settings);
    this.authenticator = authenticator;
    this.settings = settings;
    this.creation = creation;
    this.lists = lists;
    this.stream = stream;
    this.decisions = decisions;
  }

  static boolean isSessionId(String value) {
    return EntityId.isWellFormed(value);
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
                                    get(() -> Paging.fromQuery(paging -> list(user, paging))))),
                        pathPrefix(
                            segment(),
                            sessionId ->
                                concat(
                                    pathEndOrSingleSlash(
                                        () ->
                                            concat(
                                                get(() -> summary(user, sessionId)),
                                                patch(() -> JsonResponses.withJsonObject(body -> rename(user, sessionId, body))),
                                                delete(() -> discard(user, sessionId)))),
                                    path("archive", () -> post(() -> archive(user, sessionId))),
                                    path("history", () -> get(() -> history(user, sessionId))),
                                    path("pending-approvals", () -> get(() -> pendingApprovals(user, sessionId))),
                                    path("plans", () -> get(() -> plans.ofSession(user, sessionId))),
                                    path("messages", () -> post(() -> JsonResponses.withJsonObject(body -> postMessage(user, sessionId, body)))),
                                    path("tool-results", () -> post(() -> JsonResponses.withJsonObject(body ->
                                        inTaskSession(user, sessionId, body, target -> recordToolResult(user, target, body))))),
                                    path("cancel", () -> post(() -> JsonResponses.withOptionalJsonObject(body -> cancel(user, sessionId, body)))),
                                    path("stream", () -> get(() -> stream.route(user, sessionId))),
                                    path(
                                        segment("approvals").slash(segment()),
                                        callId -> post(() -> JsonResponses.withJsonObject(body ->
                                            inTaskSession(user, sessionId, body, target -> decide(user, target, callId, body))))))))));
  }

  /**
   * An answer to a call of a plan's task names the task ({@code task_id}) and goes to the task's
   * session; without {@code task_id}, to the session of the path. 404 for a task the session's plans do not have.
   */
  private Route inTaskSession(AuthenticatedUser user, String sessionId, JsonNode body, Function<String, Route> answer) {
    String taskId = JsonResponses.text(body, "task_id");
    if (taskId == null) return answer.apply(sessionId);
    if (!isSessionId(sessionId)) return complete(ApiError.notFound("session"));
    return onSuccess(plans.taskSession(user, sessionId, taskId),
        target -> target.map(answer).orElseGet(() -> complete(ApiError.notFound("task"))));
  }

  private Route create(AuthenticatedUser user, Optional<JsonNode> body) {
    String projectId = body.map(b -> JsonResponses.text(b, "project_id")).orElse(null);
    String agentType = body.map(b -> JsonResponses.text(b, "agent_type")).orElse(null);
    String agentId = body.map(b -> JsonResponses.text(b, "agent_id")).orElse(null);
    String title = body.map(b -> JsonResponses.text(b, "title")).orElse(null);
    if (title != null && title.length() > MAX_TITLE) return complete(ApiError.badRequest("title must be at most " + MAX_TITLE + " characters"));
    if (projectId != null && !EntityId.isWellFormed(projectId)) return complete(ApiError.notFound("project"));
    if (agentId != null && !EntityId.isWellFormed(agentId)) return complete(ApiError.notFound("agent"));
    return completeWithFuture(
        creation
            .create(user.userId(), projectId, title, agentType, agentId, user.clientId())
            .thenApply(
                outcome -> {
                  if (outcome instanceof SessionCreation.Created created) {
                    return JsonResponses.response(StatusCodes.CREATED, SessionJson.SessionBody.of(created.session()));
                  }
                  if (outcome instanceof SessionCreation.UnknownAgent) {
                    return ApiError.badRequest("unknown agent_type '" + agentType + "'; known: " + AgentProfile.knownTypes());
                  }
                  if (outcome instanceof SessionCreation.AgentUnusable unusable) {
                    return ErrorHandling.refused(unusable.reason());
                  }
                  return ApiError.notFound("project");
                }));
  }

  private Route list(AuthenticatedUser user, Paging paging) {
    return completeWithFuture(
        lists
            .ofUser(user.userId(), paging.offset(), paging.limit())
            .thenApply(page -> JsonResponses.response(StatusCodes.OK, SessionJson.SessionPage.of(page.sessions(), page.total(), paging))));
  }

  private Route summary(AuthenticatedUser user, String sessionId) {
    return command(sessionId, replyTo -> new Session.GetSummary(user.userId(), replyTo), SessionJson.SessionBody::of);
  }

  private Route history(AuthenticatedUser user, String sessionId) {
    return command(sessionId, replyTo -> new Session.GetHistory(user.userId(), replyTo), SessionJson.History::of);
  }

  private Route pendingApprovals(AuthenticatedUser user, String sessionId) {
    return command(sessionId, replyTo -> new Session.GetPendingApprovals(user.userId(), replyTo), SessionJson.PendingApprovals::of);
  }

  /** {@code PATCH {"title"}}: the session renamed, answered as it is now. */
  private Route rename(AuthenticatedUser user, String sessionId, JsonNode body) {
    String title = JsonResponses.text(body, "title");
    if (title == null) return complete(ApiError.badRequest("title is required, a non-blank string"));
    if (title.length() > MAX_TITLE) return complete(ApiError.badRequest("title must be at most " + MAX_TITLE + " characters"));
    return command(sessionId, replyTo -> new Session.Rename(user.userId(), title, replyTo), SessionJson.SessionBody::of);
  }

  /** The session archived (no new work; still readable), answered as it is now; archiving twice is archiving once. */
  private Route archive(AuthenticatedUser user, String sessionId) {
    return command(sessionId, replyTo -> new Session.Archive(user.userId(), replyTo), SessionJson.SessionBody::of);
  }

  /**
   * {@code DELETE}, the CodeLab IDE's "delete session": the journal is the audit trail, so nothing is
   * erased; the session is archived (no new work, still readable) and the answer is 204, twice too.
   */
  private Route discard(AuthenticatedUser user, String sessionId) {
    return this.<Session.Summary>answer(sessionId, replyTo -> new Session.Archive(user.userId(), replyTo), archived -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
  }

  /** {@code POST messages}: a user_message without a WebSocket; its answer comes on the session's stream. */
  private Route postMessage(AuthenticatedUser user, String sessionId, JsonNode body) {
    return optionalHeaderValueByName(RequestTracing.HEADER, traceId -> clientCommand(
        sessionId, ClientCommands.userMessage(user.userId(), body, traceId.orElse(null)), StatusCodes.ACCEPTED, SessionJson.MessageAccepted::of));
  }

  private Route recordToolResult(AuthenticatedUser user, String sessionId, JsonNode body) {
    String callId = ClientCommands.textOrNull(body, "call_id");
    String operationId = ClientCommands.textOrNull(body, "operation_id");
    return clientCommand(
        sessionId, ClientCommands.toolResult(user.userId(), body), StatusCodes.OK, done -> new SessionJson.ToolResultTaken(callId, operationId));
  }

  private Route cancel(AuthenticatedUser user, String sessionId, Optional<JsonNode> body) {
    JsonNode message = body.orElseGet(WireJson.MAPPER::createObjectNode);
    String operationId = ClientCommands.textOrNull(message, "operation_id");
    return clientCommand(
        sessionId, ClientCommands.cancel(user.userId(), message), StatusCodes.OK, done -> new SessionJson.CancelTaken(sessionId, operationId));
  }

  /** A client's message read as the WebSocket reads it ({@link ClientCommands}); what it lacks is a 400. */
  private <T> Route clientCommand(String sessionId, ClientCommands.Parsed<T> parsed, StatusCode status, Function<T, Object> body) {
    if (!isSessionId(sessionId)) return complete(ApiError.notFound("session"));
    if (parsed instanceof ClientCommands.Parsed.Invalid<T> invalid) return complete(ApiError.badRequest(invalid.problem()));
    return command(sessionId, ((ClientCommands.Parsed.Valid<T>) parsed).command(), status, body);
  }

  private <T> Route command(String sessionId, Function<ActorRef<StatusReply<T>>, Session.Command> command, Function<T, Object> body) {
    return command(sessionId, command, StatusCodes.OK, body);
  }

  /**
   * One command to one session, answered with {@code status} and {@code body}, or as the session's
   * refusal says (404, also for an id that names no session of the caller's; 409; 400).
   */
  private <T> Route command(
      String sessionId, Function<ActorRef<StatusReply<T>>, Session.Command> command, StatusCode status, Function<T, Object> body) {
    return answer(sessionId, command, value -> JsonResponses.response(status, body.apply(value)));
  }

  private <T> Route answer(String sessionId, Function<ActorRef<StatusReply<T>>, Session.Command> command, Function<T, HttpResponse> response) {
    if (!isSessionId(sessionId)) return complete(ApiError.notFound("session"));
    return completeWithFuture(
        Session.entityRef(system, sessionId)
            .askWithStatus(command::apply, settings.askTimeout())
            .thenApply(response::apply)
            .exceptionallyCompose(SessionRoutes::refusal));
  }

  /** A session's refusal as REST answers it; one the session's vocabulary does not name is the request's fault, as on the WebSocket. */
  private static CompletionStage<HttpResponse> refusal(Throwable failure) {
    return ErrorHandling.onRefusal(failure, SessionError::ofMessage, ApiError::badRequest);
  }

  /**
   * A decision over REST: the same command as a hitl_decision on the WebSocket, from any device; one
   * that remembers a rule goes through {@link ApprovalDecisions}, as on the WebSocket.
   */
  private Route decide(AuthenticatedUser user, String sessionId, String callId, JsonNode body) {
    if (!isSessionId(sessionId)) return complete(ApiError.notFound("session"));
    String decision = JsonResponses.text(body, "decision");
    if (decision == null) return complete(ApiError.badRequest("decision is required: approve, edit or reject"));
    if (ClientCommands.remembers(body)) return decideAndRemember(user, sessionId, callId, body);
    JsonNode modified = body.get("modified_arguments");
    String modifiedJson = modified == null || modified.isNull() ? null : modified.toString();
    String feedback = JsonResponses.text(body, "feedback");
    String operationId = JsonResponses.text(body, "operation_id");
    CompletionStage<HttpResponse> response =
        Session.entityRef(system, sessionId)
            .<Session.Decision>askWithStatus(
                replyTo -> new Session.Decide(user.userId(), callId, decision, modifiedJson, feedback, operationId, replyTo), settings.askTimeout())
            .thenApply(decided -> JsonResponses.response(StatusCodes.OK, new SessionJson.Decided(callId, decided.decision(), null)))
            .exceptionallyCompose(SessionRoutes::refusal);
    return completeWithFuture(response);
  }

  /** 200 with the rule made; 400 for a rule that may not be made (with why); 404, 409 as for any decision. */
  private Route decideAndRemember(AuthenticatedUser user, String sessionId, String callId, JsonNode body) {
    ClientCommands.RememberedDecision read = ClientCommands.rememberedDecision(user.userId(), sessionId, callId, body);
    if (read instanceof ClientCommands.RememberedDecision.Invalid invalid) return complete(ApiError.badRequest(invalid.problem()));
    ApprovalDecisions.Request request = ((ClientCommands.RememberedDecision.Valid) read).request();
    return completeWithFuture(decisions.decide(request).thenApply(outcome -> {
      if (outcome instanceof ApprovalDecisions.Decided decided) {
        ApprovalRuleJson.RuleBody rule = decided.rule() == null ? null : ApprovalRuleJson.RuleBody.of(decided.projectId(), decided.rule());
        return JsonResponses.response(StatusCodes.OK, new SessionJson.Decided(callId, decided.decision().decision(), rule));
      }
      if (outcome instanceof ApprovalDecisions.Refused refused) return ErrorHandling.refused(refused.reason());
      return ApiError.badRequest(((ApprovalDecisions.Invalid) outcome).problem());
    }));
  }
}
