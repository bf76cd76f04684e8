package codelab.platform;

import codelab.account.RefreshTokenFamily;
import codelab.account.UserAccount;
import codelab.edge.auth.AuthSettings;
import codelab.edge.auth.RateLimiter;
import codelab.project.Project;
import java.util.Set;
import java.util.stream.Collectors;
import codelab.edge.EdgeSettings;
import codelab.edge.HttpEdge;
import codelab.edge.OriginPolicy;
import codelab.edge.auth.AccessTokenSettings;
import codelab.edge.auth.AccessTokens;
import codelab.edge.auth.PasswordHasher;
import codelab.edge.auth.SigningKeys;
import codelab.llm.LlmClient;
import codelab.platform.llm.OpenAiChatClient;
import codelab.platform.llm.OpenAiSettings;
import codelab.platform.scripted.ScriptedModelServer;
import codelab.platform.sessionlist.SessionList;
import codelab.platform.wakeup.SessionWakeups;
import codelab.session.application.SessionDirectory;
import codelab.session.Session;
import codelab.user.User;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.javadsl.PekkoManagement;
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

  private Node(ActorSystem<Void> system, ServerBinding http, Database database) {
    this.system = system;
    this.http = http;
    this.database = database;
  }

  /** Starts a node with the given configuration (application.conf plus overrides) and waits until it serves HTTP. */
  public static Node start(Config config) {
    Config resolved = config.resolve();
    Database database = Database.from(resolved);
    if (resolved.getBoolean("codelab.db.migrate-on-start")) database.migrate();
    String version = appVersion(resolved);
    Config full = database.pekkoConfig().withFallback(clusterOverrides(resolved, version)).withFallback(resolved);

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, full);
    try {
      formCluster(system, resolved);
      PekkoManagement.get(system).start();
      LlmClient llm = languageModel(system, resolved);
      Clock clock = Clock.systemUTC();
      Session.Settings sessionSettings = sessionSettings(resolved);
      Session.init(system, llm, sessionSettings, clock);
      Config auth = resolved.getConfig("codelab.auth");
      UserAccount.init(
          system, clock, new UserAccount.LockoutPolicy(auth.getInt("lockout.max-failures"), auth.getDuration("lockout.duration")));
      RefreshTokenFamily.init(system, clock);
      User.init(system, clock);
      Project.init(system, clock);
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("codelab.blocking-dispatcher"));
      Config wakeups = resolved.getConfig("codelab.wakeups");
      SessionWakeups.init(
          system, database.url(), database.user(), database.password(), blocking, clock,
          new SessionWakeups.Settings(
              sessionSettings.toolTimeout(),
              wakeups.getDuration("turn-check"),
              wakeups.getDuration("sweep-interval"),
              wakeups.getDuration("retry-after")));

      Path dataDir = Path.of(resolved.getString("codelab.data-dir"));
      SigningKeys keys = signingKeys(resolved, dataDir);
      AccessTokenSettings tokenSettings =
          new AccessTokenSettings(
              resolved.getString("codelab.auth.issuer"),
              resolved.getString("codelab.auth.audience"),
              resolved.getDuration("codelab.auth.access-token-lifetime"),
              AccessTokenSettings.defaults().clockSkew(),
              clock);
      EdgeSettings edgeSettings =
          new EdgeSettings(
              version,
              new OriginPolicy(resolved.getString("codelab.allowed-origins")),
              resolved.getInt("codelab.websocket.buffer-size"),
              resolved.getInt("codelab.websocket.max-frame-bytes"),
              resolved.getDuration("codelab.ask-timeout"));
      SessionDirectory sessionDirectory = SessionList.init(system, database.pool(system, "session-list", 4), blocking);
      HttpEdge edge =
          new HttpEdge(
              system, edgeSettings, keys, new AccessTokens(keys, tokenSettings),
              new PasswordHasher(resolved.getInt("codelab.auth.bcrypt-cost")), blocking, authSettings(auth, clock), sessionDirectory);
      ServerBinding binding =
          Http.get(system)
              .newServerAt(resolved.getString("codelab.http.host"), resolved.getInt("codelab.http.port"))
              .bind(edge.routes())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS)
              .addToCoordinatedShutdown(Duration.ofSeconds(10), system);
      // client pools (the model's) close after sharding has handed its entities off (their model
      // streams finish or stop first), and before the system goes, or pekko-http reports them as crashed
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
              "close-model-connections",
              () -> Http.get(system).shutdownAllConnectionPools().thenApply(unused -> Done.getInstance()));
      log.info(
          "CodeLab node {} serving HTTP on {} ({}; database {})",
          version, binding.localAddress(), Cluster.get(system).selfMember().address(), database.describe());
      return new Node(system, binding, database);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("the node could not start: " + e.getMessage(), e);
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public int httpPort() {
    return http.localAddress().getPort();
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

  private static String appVersion(Config config) {
    String configured = config.getString("codelab.app-version").trim();
    if (!configured.isEmpty()) return configured;
    String built = Node.class.getPackage().getImplementationVersion();
    return built != null ? built : "0.1.0-SNAPSHOT";
  }

  private static Config clusterOverrides(Config config, String version) {
    // pekko's Version orders "1.2.3", "1.2.3-RC1" and "1.2.3-SNAPSHOT"; a tag's leading "v" is not part of it
    String appVersion = version.startsWith("v") || version.startsWith("V") ? version.substring(1) : version;
    return ConfigFactory.parseMap(Map.of("pekko.cluster.app-version", appVersion));
  }

  /** Seed nodes if configured (a local multi-node cluster), otherwise a cluster of this node alone. */
  private static void formCluster(ActorSystem<?> system, Config config) {
    Cluster cluster = Cluster.get(system);
    String seeds = config.getString("codelab.seed-nodes").trim();
    if (seeds.isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      return;
    }
    List<Address> seedAddresses =
        Arrays.stream(seeds.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(hostPort -> {
              String[] parts = hostPort.split(":");
              return new Address("pekko", SYSTEM_NAME, parts[0], Integer.parseInt(parts[1]));
            })
            .toList();
    cluster.manager().tell(new org.apache.pekko.cluster.typed.JoinSeedNodes(seedAddresses));
  }

  private static LlmClient languageModel(ActorSystem<?> system, Config config) throws Exception {
    Config llm = config.getConfig("codelab.llm");
    String provider = llm.getString("provider").trim();
    if (!provider.equals("openai")) {
      throw new IllegalArgumentException(
          "CODELAB_LLM_PROVIDER=" + provider + " is not supported by this release; use 'openai' (any OpenAI-compatible server)");
    }
    String baseUrl = llm.getString("base-url").trim();
    String model = llm.getString("model");
    if (baseUrl.isEmpty()) {
      Config scripted = config.getConfig("codelab.scripted-model");
      ScriptedModelServer server =
          ScriptedModelServer.start(
                  system, 0, Duration.ofMillis(scripted.getLong("token-delay-ms")), scripted.getInt("extra-tokens"))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      log.warn("**************************************************************************************");
      log.warn("* No LLM configured (CODELAB_LLM_BASE_URL): using the SCRIPTED MODEL at {}", server.baseUrl());
      log.warn("* It echoes your messages and requests tools on keywords. Configure a real model for real answers.");
      log.warn("**************************************************************************************");
      baseUrl = server.baseUrl();
      model = "scripted";
    } else {
      log.info("Using the OpenAI-compatible model '{}' at {}", model, baseUrl);
    }
    return new OpenAiChatClient(
        system,
        new OpenAiSettings(
            baseUrl,
            llm.getString("api-key"),
            model,
            llm.getDuration("connect-timeout"),
            llm.getDuration("first-token-timeout"),
            llm.getDuration("idle-timeout"),
            llm.getInt("max-connections")));
  }

  private static AuthSettings authSettings(Config auth, Clock clock) {
    Set<String> clients =
        Arrays.stream(auth.getString("clients").split(",")).map(String::trim).filter(c -> !c.isEmpty()).collect(Collectors.toSet());
    int requests = auth.getInt("rate-limit.requests");
    Duration per = auth.getDuration("rate-limit.per");
    return new AuthSettings(
        clients, auth.getDuration("refresh-token-lifetime"), new RateLimiter(requests, per, clock), new RateLimiter(requests, per, clock));
  }

  private static Session.Settings sessionSettings(Config config) {
    Config session = config.getConfig("codelab.session");
    return new Session.Settings(
        session.getString("read-journal"),
        session.getInt("snapshot-every"),
        session.getInt("max-turn-attempts"),
        session.getInt("max-steps"),
        session.getDuration("tool-timeout"),
        session.getDuration("approval-timeout"),
        session.getDuration("idle-timeout"));
  }

  private static SigningKeys signingKeys(Config config, Path dataDir) {
    String files = config.getString("codelab.auth.signing-key-files").trim();
    try {
      if (files.isEmpty()) return SigningKeys.loadOrGenerate(dataDir);
      return SigningKeys.fromPemFiles(Arrays.stream(files.split(",")).map(String::trim).map(Path::of).toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the JWT signing keys: " + e.getMessage(), e);
    }
  }
}
