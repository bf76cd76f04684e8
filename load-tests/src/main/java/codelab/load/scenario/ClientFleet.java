package codelab.load.scenario;

import codelab.load.client.Account;
import codelab.load.client.ClientContext;
import codelab.load.client.LoadClient;
import codelab.load.client.PlatformApi;
import codelab.load.client.SeqAudit;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * N simulated IDEs on one node: their developers registered and logged in, a session each, and (once
 * connected) a WebSocket each. Set-up goes through the public REST API with bounded parallelism, as
 * developers arriving, not as a storm the figures would then include.
 */
final class ClientFleet {

  private static final String PASSWORD = "load-test-password";
  private static final int REGISTER_PARALLELISM = 8;
  private static final int SESSION_PARALLELISM = 16;
  private static final int CONNECT_PARALLELISM = 32;
  private static final int AUDIT_PARALLELISM = 16;

  private final ClientContext context;
  private final List<LoadClient> clients;

  private ClientFleet(ClientContext context, List<LoadClient> clients) {
    this.context = context;
    this.clients = clients;
  }

  /**
   * Registers {@code ceil(count / sessionsPerUser)} developers and creates {@code count} sessions
   * (developers have several sessions each); not yet connected.
   */
  static ClientFleet create(ClientContext context, int count, int sessionsPerUser, String label) {
    PlatformApi api = new PlatformApi(context);
    int users = Math.max(1, (count + sessionsPerUser - 1) / sessionsPerUser);
    String run = UUID.randomUUID().toString().substring(0, 6);
    List<Account> accounts = inParallel(context, users, REGISTER_PARALLELISM,
        u -> api.register(label + "-" + run + "-u" + u, PASSWORD), Duration.ofMinutes(5));
    List<LoadClient> clients = inParallel(context, count, SESSION_PARALLELISM, i -> {
      Account account = accounts.get(i % users);
      return api.createSession(account).thenApply(sessionId -> new LoadClient(context, i, account, sessionId));
    }, Duration.ofMinutes(10));
    return new ClientFleet(context, clients);
  }

  List<LoadClient> clients() {
    return clients;
  }

  int size() {
    return clients.size();
  }

  LoadClient get(int i) {
    return clients.get(i);
  }

  /** Opens every client's WebSocket (live, no after_seq); returns when all have their session_info. */
  void connectAll() {
    inParallel(context, clients.size(), CONNECT_PARALLELISM, i -> clients.get(i).connect().thenApply(v -> i), Duration.ofMinutes(10));
  }

  /** Replays every session and checks the seq values its client saw ({@link SeqAudit}). */
  void auditAll() {
    inParallel(context, clients.size(), AUDIT_PARALLELISM, i -> SeqAudit.audit(clients.get(i)).thenApply(v -> i), Duration.ofMinutes(10));
  }

  void closeAll() {
    clients.forEach(LoadClient::close);
  }

  /** Runs {@code task(0..count-1)} with at most {@code parallelism} at once; results in index order. */
  static <T> List<T> inParallel(
      ClientContext context, int count, int parallelism, Function<Integer, CompletionStage<T>> task, Duration limit) {
    if (count == 0) return List.of();
    try {
      return Source.range(0, count - 1)
          .mapAsync(parallelism, task::apply)
          .runWith(Sink.seq(), context.materializer())
          .toCompletableFuture()
          .get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("setting up " + count + " clients failed: " + cause.getMessage(), cause);
    }
  }
}
