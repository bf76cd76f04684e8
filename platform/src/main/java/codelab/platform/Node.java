package codelab.platform;

import codelab.account.AccountEmail;
import codelab.agent.Agent;
import codelab.agent.application.AgentCounters;
import codelab.agent.memory.AgentMemories;
import codelab.platform.memory.AgentMemoryStore;
import codelab.platform.memory.RememberedTurns;
import codelab.platform.agentcounters.AgentCounterProjection;
import codelab.account.RefreshTokenFamily;
import codelab.account.UserAccount;
import codelab.edge.HttpEdge;
import codelab.platform.llm.ConfiguredModels;
import codelab.platform.sessionlist.SessionList;
import codelab.platform.wakeup.SessionWakeups;
import codelab.project.Project;
import codelab.session.Session;
import codelab.session.application.SessionDirectory;
import codelab.user.User;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.javadsl.PekkoManagement;
import codelab.platform.metrics.NodeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CodeLab node: database and schema, the actor system and its cluster, the model it talks to,
 * the sharded entities and the public HTTP edge. {@link Main} runs one; tests start several in one
 * JVM or as processes.
 */
public final class Node {

  private static final Logger log = LoggerFactory.getLogger(Node.class);
  public static final String SYSTEM_NAME = "codelab";

  private final ActorSystem<Void> system;
  private final ServerBinding http;
  private final Database database;
  private final int managementPort;

  private Node(ActorSystem<Void> system, ServerBinding http, Database database, int managementPort) {
    this.system = system;
    this.http = http;
    this.database = database;
    this.managementPort = managementPort;
  }

  /** Starts a node with the given configuration (application.conf plus overrides) and waits until it serves HTTP. */
  public static Node start(Config config) {
    Config resolved = config.resolve();
    Database database = Database.from(resolved);
    if (resolved.getBoolean("codelab.db.migrate-on-start")) database.migrate();
    String version = ClusterMembership.appVersion(resolved);
    Config full = database.pekkoConfig().withFallback(ClusterMembership.appVersionConfig(version)).withFallback(resolved);

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, full);
    try {
      ClusterMembership.join(system);
      // the node's figures first: the management port serves them, and what starts next counts on them
      NodeMetrics.get(system);
      org.apache.pekko.http.javadsl.model.Uri management = PekkoManagement.get(system).start().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      Clock clock = Clock.systemUTC();
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("codelab.blocking-dispatcher"));
      Config settings = system.settings().config();

      ConfiguredModels models = ConfiguredModels.start(system);
      AgentMemories memories = AgentMemoryStore.start(system, database, blocking, models.embeddings());
      Session.init(system, models.client(), models.catalog(), memories, Session.Settings.fromConfig(settings), clock);
      Agent.init(system, models.catalog(), clock);
      UserAccount.init(system, clock, UserAccount.LockoutPolicy.fromConfig(settings));
      RefreshTokenFamily.init(system, clock);
      AccountEmail.init(system, clock);
      User.init(system, clock);
      Project.init(system, clock);
      SessionWakeups.init(system, database, blocking, clock);
      SessionDirectory sessionLists = SessionList.init(system, database, blocking);
      AgentCounters agentCounters = AgentCounterProjection.init(system, database, blocking);
      RememberedTurns.init(system, database, memories);
      ServerBinding binding = HttpEdge.start(system, version, Path.of(settings.getString("codelab.data-dir")), clock, blocking, sessionLists, models.catalog(), agentCounters, memories);
      closeModelConnectionsOnShutdown(system);

      log.info(
          "CodeLab node {} serving HTTP on {} ({}; database {})",
          version, binding.localAddress(), Cluster.get(system).selfMember().address(), database.describe());
      return new Node(system, binding, database, management.port());
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("the node could not start: " + e.getMessage(), e);
    }
  }

  /**
   * Client pools (the model's) close after sharding has handed its entities off (their model streams
   * finish or stop first), and before the system goes, or pekko-http reports them as crashed.
   */
  private static void closeModelConnectionsOnShutdown(ActorSystem<?> system) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-model-connections",
            () -> Http.get(system).shutdownAllConnectionPools().thenApply(unused -> Done.getInstance()));
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public int httpPort() {
    return http.localAddress().getPort();
  }

  /** The management port: /ready, /alive, /metrics, the cluster's routes. */
  public int managementPort() {
    return managementPort;
  }

  public Address clusterAddress() {
    return Cluster.get(system).selfMember().address();
  }

  public Database database() {
    return database;
  }

  /** Leaves the cluster gracefully (shards are handed off) and stops; returns when the system is down. */
  public CompletionStage<Done> stop() {
    system.terminate();
    return system.getWhenTerminated();
  }
}
