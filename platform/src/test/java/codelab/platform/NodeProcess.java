package codelab.platform;

import codelab.schema.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node as a real process (the same classes, {@code codelab.platform.Main}), for what only a process
 * shows: {@code kill -9}, and a restart on the same database.
 */
final class NodeProcess implements AutoCloseable {

  final int httpPort;
  private final Process process;
  private final Path log;

  private NodeProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /** {@code environment}: CODELAB_* variables, and {@code -Dkey} entries for settings that have none. */
  static NodeProcess start(TestDatabase database, Path dataDir, Map<String, String> environment) throws IOException {
    int httpPort = freePort();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-Dcodelab.auth.bcrypt-cost=4", "-Dcodelab.auth.rate-limit.requests=100000"));
    environment.forEach((key, value) -> {
      if (key.startsWith("-D")) command.add(key + "=" + value);
    });
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "codelab.platform.Main"));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.put("CODELAB_HTTP_PORT", String.valueOf(httpPort));
    env.put("CODELAB_MANAGEMENT_PORT", String.valueOf(freePort()));
    env.put("CODELAB_REMOTE_PORT", String.valueOf(freePort()));
    env.put("CODELAB_DATA_DIR", dataDir.toString());
    env.put("CODELAB_SCRIPTED_TOKEN_DELAY_MS", "2");
    if (database.kind() == TestDatabase.Kind.POSTGRES) {
      env.put("CODELAB_DB_URL", database.url());
      env.put("CODELAB_DB_USER", database.user());
      env.put("CODELAB_DB_PASSWORD", database.password());
    }
    environment.forEach((key, value) -> {
      if (!key.startsWith("-D")) env.put(key, value);
    });
    Path log = Files.createTempFile(dataDir, "node-", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    NodeProcess node = new NodeProcess(builder.start(), httpPort, log);
    node.awaitHealthy();
    return node;
  }

  private void awaitHealthy() throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new AssertionError("the node process exited:\n" + logTail());
      try {
        HttpResponse<String> health = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("the node did not become healthy within 60 s:\n" + logTail());
  }

  /** SIGKILL: no coordinated shutdown, no hand-off, nothing flushed that was not already durable. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
