package codelab.edge.agent;

import static org.apache.pekko.http.javadsl.server.PathMatchers.integerSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.agent.Agent;
import codelab.agent.AgentConfiguration;
import codelab.agent.AgentError;
import codelab.agent.application.AgentCounters;
import codelab.agent.application.ProjectAgents;
import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.EntityId;
import codelab.edge.ErrorHandling;
import codelab.edge.JsonResponses;
import codelab.edge.Paging;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.Authenticator;
import codelab.llm.ModelCatalog;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * Agents over REST (PROTOCOL.md v1.1 "Agents"): a project's team and new agents; one agent, its
 * changes (each a new version), versions, rollback and archive; its memories ({@link MemoryRoutes}). Another user's agent is 404, decided
 * by the agent entity itself.
 */
public final class AgentRoutes extends AllDirectives {

  private final ActorSystem<?> system;
  private final Authenticator authenticator;
  private final EdgeSettings settings;
  private final ProjectAgents agents;
  private final ModelCatalog models;
  private final AgentCounters counters;
  private final MemoryRoutes memories;

  public AgentRoutes(
      ActorSystem<?> system, Authenticator authenticator, EdgeSettings settings, ProjectAgents agents, ModelCatalog models,
      AgentCounters counters, MemoryRoutes memories) {
    this.system = system;
    this.authenticator = authenticator;
    this.settings = settings;
    this.agents = agents;
    this.models = models;
    this.counters = counters;
    this.memories = memories;
  }

  /** {@code /api/v1/projects/{id}/agents}, under the project routes. */
  public Route ofProject(AuthenticatedUser user, String projectId) {
    return concat(
        get(() -> Paging.fromQuery(Paging.V1_1_DEFAULT_LIMIT, paging -> team(user, projectId, paging))),
        post(() -> JsonResponses.withJsonObject(body -> create(user, projectId, body))));
  }

  public Route routes() {
    return pathPrefix(
        segment("api").slash("v1").slash("agents").slash(segment()),
        agentId ->
            authenticator.authenticated(
                user -> {
                  if (!EntityId.isWellFormed(agentId)) return complete(ApiError.notFound("agent"));
                  return concat(
                      pathEndOrSingleSlash(
                          () ->
                              concat(
                                  get(() -> ask(agentId, r -> new Agent.Get(user.userId(), r))),
                                  patch(() -> JsonResponses.withJsonObject(body -> configure(user, agentId, body))),
                                  delete(() -> ask(agentId, r -> new Agent.Archive(user.userId(), r))))),
                      pathPrefix("versions", () -> concat(
                          pathEndOrSingleSlash(() -> get(() -> Paging.fromQuery(Paging.V1_1_DEFAULT_LIMIT, paging -> versions(user, agentId, paging)))),
                          path(integerSegment(), n -> get(() -> version(user, agentId, n))))),
                      path("rollback", () -> post(() -> JsonResponses.withJsonObject(body -> rollback(user, agentId, body)))),
                      pathPrefix("memories", () -> memories.of(user, agentId)));
                }));
  }

  private Route team(AuthenticatedUser user, String projectId, Paging paging) {
    if (!EntityId.isWellFormed(projectId)) return complete(ApiError.notFound("project"));
    return completeWithFuture(agents.of(user.userId(), projectId).thenCompose(team -> {
      if (team.isEmpty()) return CompletableFuture.completedFuture(ApiError.notFound("project"));
      List<Agent.View> page = team.get().stream().skip(paging.offset()).limit(paging.limit()).toList();
      return counters.of(page.stream().map(Agent.View::agentId).toList()).thenApply(counted ->
          JsonResponses.response(StatusCodes.OK, AgentJson.AgentPage.of(page, team.get().size(), models, counted, paging)));
    }));
  }

  private Route create(AuthenticatedUser user, String projectId, JsonNode body) {
    if (!EntityId.isWellFormed(projectId)) return complete(ApiError.notFound("project"));
    AgentRequest.Parsed parsed = AgentRequest.parse(body);
    if (!parsed.problems().isEmpty()) return complete(ApiError.badRequest(String.join("; ", parsed.problems())));
    AgentConfiguration configuration = AgentRequest.newAgent(parsed.change());
    List<String> problems = configuration.problems(models);
    if (!problems.isEmpty()) return complete(ApiError.badRequest(String.join("; ", problems)));
    return completeWithFuture(agents.create(user.userId(), projectId, configuration).thenApply(created -> created
        .map(agent -> JsonResponses.response(StatusCodes.CREATED, AgentJson.AgentBody.of(agent, models, AgentCounters.Counters.NONE)))
        .orElseGet(() -> ApiError.notFound("project"))));
  }

  /** The change is checked against the current version before it is sent, so that a 400 names each problem. */
  private Route configure(AuthenticatedUser user, String agentId, JsonNode body) {
    AgentRequest.Parsed parsed = AgentRequest.parse(body);
    if (!parsed.problems().isEmpty()) return complete(ApiError.badRequest(String.join("; ", parsed.problems())));
    if (parsed.change().isEmpty()) return complete(ApiError.badRequest("nothing to change: name a configuration field"));
    return completeWithFuture(
        Agent.entityRef(system, agentId)
            .<Agent.View>askWithStatus(r -> new Agent.Get(user.userId(), r), settings.askTimeout())
            .thenCompose(current -> {
              List<String> problems = current.configuration().with(parsed.change()).problems(models);
              if (!problems.isEmpty()) return CompletableFuture.completedFuture(ApiError.badRequest(String.join("; ", problems)));
              return Agent.entityRef(system, agentId)
                  .<Agent.View>askWithStatus(r -> new Agent.Configure(user.userId(), parsed.change(), r), settings.askTimeout())
                  .thenCompose(this::withCounters);
            })
            .exceptionallyCompose(AgentRoutes::refusal));
  }

  private Route versions(AuthenticatedUser user, String agentId, Paging paging) {
    return completeWithFuture(
        Agent.entityRef(system, agentId)
            .<Agent.VersionPage>askWithStatus(r -> new Agent.ListVersions(user.userId(), paging.offset(), paging.limit(), r), settings.askTimeout())
            .thenApply(page -> JsonResponses.response(StatusCodes.OK, AgentJson.VersionPage.of(page, models, paging)))
            .exceptionallyCompose(AgentRoutes::refusal));
  }

  private Route version(AuthenticatedUser user, String agentId, int n) {
    return completeWithFuture(
        Agent.entityRef(system, agentId)
            .<Agent.Version>askWithStatus(r -> new Agent.GetVersion(user.userId(), n, r), settings.askTimeout())
            .thenApply(v -> JsonResponses.response(StatusCodes.OK, AgentJson.VersionBody.of(v, models)))
            .exceptionallyCompose(AgentRoutes::refusal));
  }

  private Route rollback(AuthenticatedUser user, String agentId, JsonNode body) {
    JsonNode version = body.get("version");
    if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.asInt() < 1) {
      return complete(ApiError.badRequest("a rollback needs 'version', a version number (1 or more)"));
    }
    return ask(agentId, r -> new Agent.Rollback(user.userId(), version.asInt(), r));
  }

  private Route ask(String agentId, Function<ActorRef<StatusReply<Agent.View>>, Agent.Command> command) {
    return completeWithFuture(
        Agent.entityRef(system, agentId)
            .askWithStatus(command::apply, settings.askTimeout())
            .thenCompose(this::withCounters)
            .exceptionallyCompose(AgentRoutes::refusal));
  }

  private CompletionStage<HttpResponse> withCounters(Agent.View agent) {
    return counters.of(List.of(agent.agentId())).thenApply(counted -> JsonResponses.response(StatusCodes.OK,
        AgentJson.AgentBody.of(agent, models, counted.getOrDefault(agent.agentId(), AgentCounters.Counters.NONE))));
  }

  private static CompletionStage<HttpResponse> refusal(Throwable failure) {
    return ErrorHandling.onRefusal(failure, AgentError::ofMessage, reason -> ApiError.notFound("agent"));
  }
}
