package codelab.load.scenario;

import codelab.load.client.ClientContext;
import codelab.load.client.TurnScript;
import codelab.load.client.Violations;
import codelab.load.metrics.PhaseMetrics;
import codelab.load.node.DatabaseKind;
import codelab.load.node.NodeProbe;
import codelab.load.node.NodeProcess;
import codelab.load.report.RunResult;
import java.time.Duration;
import java.util.List;

/**
 * idle: N developers with a session open in their IDE and nothing to say. What does each cost the
 * node? Live heap (after a full GC) and threads are read from the node's JVM before the sessions
 * exist, once they exist, and once their WebSockets are open and have been held for a while.
 */
public record IdleScenario(Plan plan, DatabaseKind database) implements Scenario {

  /** @param hold how long the sockets stay open (quiet) before the node is measured */
  public record Plan(int sessions, Duration hold, int sessionsPerUser) {}

  @Override
  public String name() {
    return "idle";
  }

  @Override
  public List<RunResult> run(SuiteContext suite) {
    Violations violations = new Violations();
    RunResult.Builder result = RunResult.builder(name(), database.label(), plan.sessions() + " sessions").violations(violations)
        .parameter("sessions", plan.sessions())
        .parameter("hold_s", plan.hold().toSeconds())
        .parameter("sessions_per_user", plan.sessionsPerUser())
        .parameter("node_max_heap", suite.nodeHeap());
    suite.log("idle on " + database.label());
    try (SuiteContext.NodeLease lease = suite.startNode("idle", database, Duration.ofMillis(20), 0)) {
      NodeProcess node = lease.node();
      ClientContext context = new ClientContext(suite.system(), node.httpBaseUrl(), node.wsBaseUrl(), violations, Duration.ofSeconds(60));
      NodeProbe probe = new NodeProbe(node.pid());
      warmUp(context);

      long heapBefore = probe.liveHeapBytes();
      int threadsBefore = probe.threads();
      suite.log("idle: creating " + plan.sessions() + " sessions");
      ClientFleet fleet = ClientFleet.create(context, plan.sessions(), plan.sessionsPerUser(), "idle");
      long heapSessions = probe.liveHeapBytes();

      suite.log("idle: opening " + plan.sessions() + " WebSockets");
      long connectStart = System.nanoTime();
      fleet.connectAll();
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      Thread.sleep(plan.hold().toMillis());
      long heapSockets = probe.liveHeapBytes();
      int threadsSockets = probe.threads();
      long stillOpen = plan.sessions() - violations.health().get("unexpected_disconnects");

      int n = plan.sessions();
      result.figure("heap_per_idle_session", (heapSockets - heapBefore) / 1024.0 / n, "KiB",
          "live heap per session with an open WebSocket: its entity, its user's share, its socket");
      result.figure("heap_per_idle_socket", (heapSockets - heapSessions) / 1024.0 / n, "KiB",
          "live heap per open WebSocket alone (the session already existed)");
      result.figure("heap_per_session_without_socket", (heapSessions - heapBefore) / 1024.0 / n, "KiB",
          "live heap per created session before any socket (entity and user's share)");
      result.figure("node.live_heap_before", heapBefore / 1048576.0, "MiB", "node live heap before the sessions");
      result.figure("node.live_heap_with_sessions", heapSessions / 1048576.0, "MiB", "node live heap with the sessions, no sockets");
      result.figure("node.live_heap_with_sockets", heapSockets / 1048576.0, "MiB", "node live heap with every socket open");
      result.figure("node.threads_before", threadsBefore, "threads", "node threads before the sessions");
      result.figure("node.threads_with_sockets", threadsSockets, "threads", "node threads with every socket open");
      result.figure("threads_per_idle_session", (threadsSockets - threadsBefore) / (double) n, "threads",
          "node threads added per idle session");
      result.figure("sockets_open_after_hold", stillOpen, "sockets", "sockets still open after the hold");
      result.figure("connect_all", connectSeconds, "s", "time to open every WebSocket (32 upgrades at a time)");
      fleet.closeAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.failure("interrupted");
    } catch (RuntimeException e) {
      result.failure(e.getMessage());
    }
    return List.of(result.build());
  }

  /** A few sessions with a turn each, so classes and pools the idle sessions use are loaded before the first heap reading. */
  private void warmUp(ClientContext context) {
    ClientFleet warm = ClientFleet.create(context, 5, 5, "idlewarm");
    warm.connectAll();
    TurnLoops.run(context, 5, (i, k) -> warm.get(i).sendTurn(TurnScript.plain(i, k)),
        new Pacing(Duration.ZERO, Duration.ofMillis(500), Duration.ZERO, Duration.ZERO), new PhaseMetrics());
    warm.closeAll();
  }
}
