package codelab.platform;

import codelab.schema.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * How long {@code GET /api/v1/sessions} takes for a user with many sessions: a node in this JVM,
 * one user, {@code sessions} sessions, then {@code requests} list calls one after another (after
 * {@code warmup} unrecorded ones). A benchmark, not a test: timings are reported, never asserted.
 *
 * <p>{@code warm}: the sessions are in memory, as right after a user worked in them. {@code idle}:
 * sessions passivate after 200 ms without messages and each request comes 400 ms after the last, so
 * every page finds its sessions passivated, as a user's list does after a while away (or on another
 * node than the sessions').
 *
 * <p>Run: {@code java -cp <platform test classpath> codelab.platform.SessionListMeasurement [H2|POSTGRES] [sessions] [requests] [limit] [warm|idle]}
 */
public final class SessionListMeasurement {

  public static void main(String[] args) throws Exception {
    TestDatabase.Kind kind = TestDatabase.Kind.valueOf(args.length > 0 ? args[0] : "H2");
    int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int requests = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int limit = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    boolean idle = args.length > 4 && args[4].equals("idle");
    int warmup = idle ? 20 : 50;
    long pauseMillis = idle ? 400 : 0;
    Path dataDir = Files.createTempDirectory("codelab-measure");
    TestDatabase database = TestDatabase.create(kind, dataDir);
    Node node = Node.start(TestNode.config(database, dataDir, idle ? Map.of("codelab.session.idle-timeout", "200ms") : Map.of()));
    try {
      ApiClient api = new ApiClient(node.httpPort()).loggedInAsNewUser();
      for (int i = 0; i < sessions; i++) api.createSession();
      // the sessions' entities passivate only after minutes; a list right after creating them finds
      // them in memory, as it would for a user who just worked in them. The read side (if any) runs
      // about a second behind the writes: measured is the list a few seconds after the last one.
      Thread.sleep(3000);
      String path = "/api/v1/sessions?limit=" + limit;
      for (int i = 0; i < warmup; i++) {
        Thread.sleep(pauseMillis);
        expectPage(api, path, sessions);
      }
      long[] nanos = new long[requests];
      for (int i = 0; i < requests; i++) {
        Thread.sleep(pauseMillis);
        long start = System.nanoTime();
        expectPage(api, path, sessions);
        nanos[i] = System.nanoTime() - start;
      }
      Arrays.sort(nanos);
      System.out.printf(
          "GET %s on %s, %d sessions (%s), %d requests: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          path, kind, sessions, idle ? "idle" : "warm", requests, millis(nanos, 0.50), millis(nanos, 0.99), nanos[requests - 1] / 1e6);
    } finally {
      TestNode.stop(node);
      database.drop();
    }
  }

  private static void expectPage(ApiClient api, String path, int total) {
    ApiClient.Reply reply = api.get(path);
    if (reply.status() != 200 || reply.body().get("total").asInt() != total) {
      throw new AssertionError("unexpected list answer: " + reply.status() + " " + reply.body());
    }
  }

  private static double millis(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }
}
