package codelab.load.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The node under test in its own JVM ({@code java -jar codelab-platform.jar}), configured only through
 * its documented CODELAB_* variables, on free ports, with a fresh data directory and (for PostgreSQL) a
 * fresh database. Separate processes keep the load generator's CPU and heap out of the node's figures.
 */
public final class NodeProcess implements AutoCloseable {

  private static final Pattern SCRIPTED_MODEL = Pattern.compile("SCRIPTED MODEL at (http://\\S+/v1)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final int httpPort;
  private final Path dataDir;
  private final Path logFile;
  private final PostgresDatabase postgres;
  private final String modelBaseUrl;

  private NodeProcess(Process process, int httpPort, Path dataDir, Path logFile, PostgresDatabase postgres, String modelBaseUrl) {
    this.process = process;
    this.httpPort = httpPort;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.postgres = postgres;
    this.modelBaseUrl = modelBaseUrl;
  }

  /** Starts a node and returns once GET /health answers 200 and the scripted model's URL is in its log. */
  public static NodeProcess start(NodeSettings settings, String purpose) {
    if (!Files.isRegularFile(settings.jar())) {
      throw new IllegalStateException(
          "the node jar " + settings.jar().toAbsolutePath() + " does not exist; build it first: mvn -q package -DskipTests");
    }
    PostgresDatabase postgres = settings.database() == DatabaseKind.POSTGRES ? PostgresDatabase.create(purpose) : null;
    Path dataDir;
    Process process;
    int httpPort;
    try {
      dataDir = Files.createTempDirectory("codelab-load-node-");
      httpPort = freePort();
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + settings.maxHeap(),
          // registering thousands of simulated users at the production cost (12) would take minutes
          "-Dcodelab.auth.bcrypt-cost=4",
          // every simulated user registers and logs in from 127.0.0.1: the per-address limit would refuse most
          "-Dcodelab.auth.rate-limit.requests=1000000",
          "-jar", settings.jar().toAbsolutePath().toString()));
      ProcessBuilder builder = new ProcessBuilder(command);
      Map<String, String> env = builder.environment();
      env.put("CODELAB_HTTP_PORT", String.valueOf(httpPort));
      env.put("CODELAB_MANAGEMENT_PORT", String.valueOf(freePort()));
      env.put("CODELAB_REMOTE_PORT", String.valueOf(freePort()));
      env.put("CODELAB_DATA_DIR", dataDir.toString());
      env.put("CODELAB_SCRIPTED_TOKEN_DELAY_MS", String.valueOf(settings.tokenDelay().toMillis()));
      env.put("CODELAB_SCRIPTED_EXTRA_TOKENS", String.valueOf(settings.extraTokens()));
      // a real model configured in the caller's environment would replace the scripted one
      env.remove("CODELAB_LLM_BASE_URL");
      env.remove("CODELAB_LLM_MODELS");
      env.remove("CODELAB_SEED_NODES");
      if (postgres != null) {
        env.put("CODELAB_DB_URL", postgres.url());
        env.put("CODELAB_DB_USER", PostgresDatabase.USER);
      } else {
        env.remove("CODELAB_DB_URL");
      }
      Files.createDirectories(settings.logFile().getParent());
      builder.redirectErrorStream(true).redirectOutput(settings.logFile().toFile());
      process = builder.start();
    } catch (IOException e) {
      if (postgres != null) postgres.close();
      throw new UncheckedIOException("cannot start the node: " + e.getMessage(), e);
    }
    try {
      String modelUrl = awaitReady(process, httpPort, settings.logFile());
      return new NodeProcess(process, httpPort, dataDir, settings.logFile(), postgres, modelUrl);
    } catch (RuntimeException e) {
      process.destroyForcibly();
      if (postgres != null) postgres.close();
      deleteQuietly(dataDir);
      throw e;
    }
  }

  public String httpBaseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  public String wsBaseUrl() {
    return "ws://127.0.0.1:" + httpPort;
  }

  /** The scripted model's OpenAI base URL ({@code /v1} included), as the node logged it: the baseline's server. */
  public String modelBaseUrl() {
    return modelBaseUrl;
  }

  public long pid() {
    return process.pid();
  }

  public Optional<PostgresDatabase> postgres() {
    return Optional.ofNullable(postgres);
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGKILL, then the database and data directory go. Not a graceful stop: the node's state is thrown
   * away, and a coordinated shutdown (shard hand-off with hundreds of sessions) would only add its
   * seconds to every scenario.
   */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (postgres != null) postgres.close();
    deleteQuietly(dataDir);
  }

  private static String awaitReady(Process process, int httpPort, Path logFile) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the node exited during start-up (exit " + process.exitValue() + "):\n" + tail(logFile));
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return scriptedModelUrl(logFile).orElseThrow(() -> new IllegalStateException(
              "the node is up but did not log the scripted model's URL (is CODELAB_LLM_BASE_URL set?):\n" + tail(logFile)));
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the node", e);
      }
      sleep(200);
    }
    throw new IllegalStateException("the node did not answer GET /health within " + START_TIMEOUT.toSeconds() + " s:\n" + tail(logFile));
  }

  private static Optional<String> scriptedModelUrl(Path logFile) {
    try {
      Matcher m = SCRIPTED_MODEL.matcher(Files.readString(logFile));
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The last lines of the node's log, for error messages. */
  public static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
