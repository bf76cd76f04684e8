package codelab.edge;

import codelab.edge.auth.AccessTokenSettings;
import codelab.edge.auth.AccessTokens;
import codelab.edge.auth.AuthRoutes;
import codelab.edge.auth.AuthSettings;
import codelab.edge.auth.LoggedOutEverywhere;
import codelab.edge.auth.PasswordHasher;
import codelab.edge.auth.SigningKeys;
import codelab.WorkflowSettings;
import codelab.agent.application.AgentCounters;
import codelab.agent.application.ProjectAgents;
import codelab.agent.memory.AgentMemories;
import codelab.edge.agent.MemoryRoutes;
import codelab.edge.agent.AgentRoutes;
import codelab.llm.ModelCatalog;
import codelab.edge.project.ApprovalRuleRoutes;
import codelab.edge.project.ProjectRoutes;
import codelab.edge.session.CodeLabIdeSettings;
import codelab.edge.session.PlanRoutes;
import codelab.edge.session.SessionRoutes;
import codelab.edge.session.SessionSocket;
import codelab.edge.session.SessionStream;
import codelab.project.application.ApprovalRuleDeletion;
import codelab.project.application.DefaultProject;
import codelab.project.application.ProjectCreation;
import codelab.project.application.ProjectDeletion;
import codelab.project.application.ProjectLists;
import codelab.session.application.ApprovalDecisions;
import codelab.session.application.SessionArchive;
import codelab.session.application.SessionCreation;
import codelab.session.application.SessionDirectory;
import codelab.session.application.SessionLists;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every public route of a node, behind the contract's error handling and CORS, with no dot segment in
 * its path, and answered with the headers of {@link ResponseHeaders}.
 */
public final class HttpEdge extends AllDirectives {

  private final Route routes;

  public HttpEdge(
      ActorSystem<?> system,
      EdgeSettings settings,
      SigningKeys keys,
      AccessTokens tokens,
      PasswordHasher hasher,
      Executor blocking,
      AuthSettings authSettings,
      SessionDirectory sessionDirectory,
      ModelCatalog models,
      AgentCounters agentCounters,
      AgentMemories memories) {
    // one topic actor per node; together they reach every node's sockets
    ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut =
        system.systemActorOf(Topic.create(LoggedOutEverywhere.class, "logged-out-everywhere"), "logged-out-everywhere", Props.empty());
    WorkflowSettings workflows = WorkflowSettings.fromConfig(system.settings().config());
    AuthRoutes auth = new AuthRoutes(system, tokens, keys, hasher, blocking, authSettings, loggedOut, settings.askTimeout(), workflows);
    ProjectCreation projectCreation = new ProjectCreation(system, workflows);
    DefaultProject defaultProject = new DefaultProject(projectCreation);
    SessionArchive archive = new SessionArchive(system, workflows);
    SessionLists sessionLists = new SessionLists(system, workflows, sessionDirectory);
    SessionCreation sessionCreation = new SessionCreation(system, workflows, defaultProject, archive);
    AgentRoutes agents = new AgentRoutes(system, auth.authenticator(), settings, new ProjectAgents(system, workflows), models, agentCounters,
        new MemoryRoutes(system, settings, memories));
    ApprovalRuleRoutes approvalRules =
        new ApprovalRuleRoutes(system, auth.authenticator(), settings, new ApprovalRuleDeletion(system, workflows));
    ApprovalDecisions decisions =
        new ApprovalDecisions(system, workflows, system.settings().config().getDuration("codelab.approval-rules.max-ttl"));
    ProjectRoutes.Services projectServices =
        new ProjectRoutes.Services(
            projectCreation, new ProjectLists(system, workflows, defaultProject), new ProjectDeletion(system, workflows, archive), sessionLists,
            agents, approvalRules);
    Route api =
        new ErrorHandling()
            .wrap(
                concat(
                    new HealthRoutes(settings.version()).routes(),
                    new OpenApiRoutes().routes(),
                    auth.routes(),
                    new SessionSocket(system, auth.authenticator(), settings, loggedOut, decisions,
                        CodeLabIdeSettings.fromConfig(system.settings().config())).route(),
                    new SessionRoutes(system, auth.authenticator(), settings, sessionCreation, sessionLists,
                        new SessionStream(system, settings, loggedOut, decisions), decisions).routes(),
                    new ProjectRoutes(system, auth.authenticator(), settings, projectServices).routes(),
                    new PlanRoutes(system, auth.authenticator(), settings).routes(),
                    agents.routes(),
                    approvalRules.routes()));
    this.routes = new RequestTracing().wrap(new ResponseHeaders().wrap(new DotSegments().refuse(new Cors(settings.allowedOrigins()).wrap(api))));
  }

  /**
   * Builds the edge from its configuration ({@code codelab.http}, {@code codelab.auth}, the WebSocket
   * and origin settings in this module's reference.conf) and serves it; the binding is unbound by
   * coordinated shutdown.
   */
  public static ServerBinding start(
      ActorSystem<?> system, String version, Path dataDir, Clock clock, Executor blocking, SessionDirectory sessionDirectory,
      ModelCatalog models, AgentCounters agentCounters, AgentMemories memories)
      throws Exception {
    Config config = system.settings().config();
    SigningKeys keys = SigningKeys.fromConfig(config, dataDir);
    HttpEdge edge = new HttpEdge(
        system,
        EdgeSettings.fromConfig(config, version),
        keys,
        new AccessTokens(keys, AccessTokenSettings.fromConfig(config, clock)),
        new PasswordHasher(config.getInt("codelab.auth.bcrypt-cost")),
        blocking,
        AuthSettings.fromConfig(config, clock),
        sessionDirectory,
        models,
        agentCounters,
        memories);
    return Http.get(system)
        .newServerAt(config.getString("codelab.http.host"), config.getInt("codelab.http.port"))
        .withSettings(EdgeServerSettings.fromConfig(config))
        .bind(edge.routes())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS)
        .addToCoordinatedShutdown(Duration.ofSeconds(10), system);
  }

  public Route routes() {
    return routes;
  }
}
