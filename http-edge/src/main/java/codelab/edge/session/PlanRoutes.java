package codelab.edge.session;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.Refusal;
import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.ErrorHandling;
import codelab.edge.JsonResponses;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.Authenticator;
import codelab.session.Plan;
import codelab.session.Session;
import codelab.session.SessionError;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The plans of a session ({@code GET /api/v1/sessions/{id}/plans}) and one plan ({@code GET
 * /api/v1/plans/{plan_id}}), read from the session that owns them: a plan's id starts with its
 * session's id ({@code <session_id>-plan-<n>}), so no read table is needed to find it. Anyone but the
 * owner gets 404, as for the session.
 */
public final class PlanRoutes extends AllDirectives {

  private static final String PLAN_MARK = "-plan-";

  private final ActorSystem<?> system;
  private final Authenticator authenticator;
  private final EdgeSettings settings;

  public PlanRoutes(ActorSystem<?> system, Authenticator authenticator, EdgeSettings settings) {
    this.system = system;
    this.authenticator = authenticator;
    this.settings = settings;
  }

  public Route routes() {
    return pathPrefix(segment("api").slash("v1").slash("plans"), () -> authenticator.authenticated(user ->
        path(segment(), planId -> get(() -> plan(user, planId)))));
  }

  /** Under {@code /api/v1/sessions/{id}/plans}. */
  Route ofSession(AuthenticatedUser user, String sessionId) {
    if (!SessionRoutes.isSessionId(sessionId)) return complete(ApiError.notFound("session"));
    return completeWithFuture(plans(user, sessionId)
        .thenApply(plans -> JsonResponses.response(StatusCodes.OK,
            new PlanJson.PlanList(sessionId, plans.plans().stream().map(p -> PlanJson.PlanBody.of(sessionId, p)).toList())))
        .exceptionallyCompose(PlanRoutes::refusal));
  }

  private Route plan(AuthenticatedUser user, String planId) {
    int mark = planId.lastIndexOf(PLAN_MARK);
    String sessionId = mark < 0 ? "" : planId.substring(0, mark);
    if (!SessionRoutes.isSessionId(sessionId)) return complete(ApiError.notFound("plan"));
    return completeWithFuture(plans(user, sessionId)
        .thenApply(plans -> plans.plans().stream().filter(p -> p.planId().equals(planId)).findFirst()
            .map(p -> JsonResponses.response(StatusCodes.OK, PlanJson.PlanBody.of(sessionId, p)))
            .orElseGet(() -> ApiError.notFound("plan")))
        .exceptionallyCompose(failure -> Refusal.is(failure, SessionError.NOT_FOUND)
            ? CompletableFuture.completedFuture(ApiError.notFound("plan"))
            : refusal(failure)));
  }

  /**
   * The session that runs task {@code taskId} of a plan of session {@code sessionId} (the latest plan
   * with that task): where an answer to one of its calls goes. Empty when there is no such task, or no
   * such session of the caller's.
   */
  CompletionStage<Optional<String>> taskSession(AuthenticatedUser user, String sessionId, String taskId) {
    return plans(user, sessionId)
        .thenApply(plans -> {
          List<Plan> all = plans.plans();
          for (int i = all.size() - 1; i >= 0; i--) {
            Optional<String> found = all.get(i).tasks().stream()
                .filter(t -> t.taskId().equals(taskId) && t.sessionId() != null).map(Plan.Task::sessionId).findFirst();
            if (found.isPresent()) return found;
          }
          return Optional.<String>empty();
        })
        .exceptionallyCompose(failure -> Refusal.reason(failure).isPresent()
            ? CompletableFuture.completedFuture(Optional.empty())
            : CompletableFuture.failedFuture(failure));
  }

  private CompletionStage<Session.Plans> plans(AuthenticatedUser user, String sessionId) {
    return Session.entityRef(system, sessionId).askWithStatus(replyTo -> new Session.GetPlans(user.userId(), replyTo), settings.askTimeout());
  }

  private static CompletionStage<org.apache.pekko.http.javadsl.model.HttpResponse> refusal(Throwable failure) {
    return ErrorHandling.onRefusal(failure, SessionError::ofMessage, ApiError::badRequest);
  }
}
