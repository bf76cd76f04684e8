package codelab.load.scenario;

import codelab.load.client.ClientContext;
import codelab.load.client.ModelStreamClient;
import codelab.load.client.TurnScript;
import codelab.load.client.Violations;
import codelab.load.metrics.Latency;
import codelab.load.metrics.PhaseMetrics;
import codelab.load.node.DatabaseKind;
import codelab.load.node.NodeProbe;
import codelab.load.node.NodeProcess;
import codelab.load.report.Plot;
import codelab.load.report.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * streaming: N sessions chat at once, each sending its next message when the previous answer has
 * ended (after a think time), for 1, 100, 1,000 … sessions on one database. Before the platform, the
 * same N clients read the same answers straight from the node's scripted model server (the
 * baseline, same pace, same process); the platform's cost is the difference.
 */
public record StreamingScenario(Plan plan, DatabaseKind database) implements Scenario {

  /**
   * @param sessionCounts the steps: concurrent sessions
   * @param tokenDelay the scripted model's pace between tokens
   * @param extraTokens filler tokens per answer (answer length)
   * @param toolTurnEvery about one turn in n asks for a tool (0: never); such turns count for
   *     throughput and the error counters but not for the latency figures
   * @param sessionsPerUser sessions per registered developer
   * @param nodeWarmUp unrecorded traffic on a fresh node before the first step (zero: none, as in the
   *     smoke run). On two cores the JIT is still compiling a third of the node's CPU away a minute
   *     after start; figures taken then measure the compiler, not the platform.
   */
  public record Plan(
      List<Integer> sessionCounts, Pacing pacing, Duration tokenDelay, int extraTokens, int toolTurnEvery, int sessionsPerUser,
      Duration nodeWarmUp) {

    public Plan withSessionCounts(List<Integer> counts) {
      return new Plan(List.copyOf(counts), pacing, tokenDelay, extraTokens, toolTurnEvery, sessionsPerUser, nodeWarmUp);
    }
  }

  @Override
  public String name() {
    return "streaming";
  }

  @Override
  public List<RunResult> run(SuiteContext suite) {
    List<RunResult> results = new ArrayList<>();
    suite.log("streaming on " + database.label());
    try (SuiteContext.NodeLease lease = suite.startNode("streaming", database, plan.tokenDelay(), plan.extraTokens())) {
      NodeProcess node = lease.node();
      if (!plan.nodeWarmUp().isZero()) warmUp(suite, node);
      for (int sessions : plan.sessionCounts()) {
        suite.log("streaming on " + database.label() + ": " + sessions + " sessions");
        results.add(step(suite, node, sessions));
      }
      results.add(RunResult.builder(name(), database.label(), "node at rest")
          .figure("cpu.node_at_rest", atRest(node), "% of a core",
              "the node's CPU use with no client connected, after the steps (projections, wake-up sweeper, cluster)")
          .build());
    } catch (RuntimeException e) {
      results.add(RunResult.builder(name(), database.label(), "node").failure(e.getMessage()).build());
    }
    return results;
  }

  /** Clients on both paths for a while: the JIT and the connection pools are warm before any figure. */
  private void warmUp(SuiteContext suite, NodeProcess node) {
    ClientContext context = context(suite, node, new Violations());
    int clients = Math.min(100, plan.sessionCounts().stream().mapToInt(Integer::intValue).max().orElse(1));
    suite.log("  node warm-up: " + clients + " sessions for " + plan.nodeWarmUp().toSeconds() + " s, not recorded");
    Pacing warm = new Pacing(Duration.ZERO, plan.nodeWarmUp().dividedBy(2), plan.pacing().think(), Duration.ofMillis(500));
    ModelStreamClient model = new ModelStreamClient(context, node.modelBaseUrl(), clients);
    TurnLoops.run(context, clients, (i, k) -> model.turn(TurnScript.plain(i, k)), warm, new PhaseMetrics());
    closeBaselineConnections(context);
    ClientFleet fleet = ClientFleet.create(context, clients, plan.sessionsPerUser(), "warm");
    fleet.connectAll();
    TurnLoops.run(context, clients, (i, k) -> fleet.get(i).sendTurn(script(i, k)), warm, new PhaseMetrics());
    fleet.closeAll();
  }

  /** The node's own CPU use with no client at all: the floor under every figure. */
  private static double atRest(NodeProcess node) {
    try {
      Thread.sleep(1000); // the last sockets' closing settles
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    CpuMeter meter = CpuMeter.start(new NodeProbe(node.pid()));
    try {
      Thread.sleep(3000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return meter.stop().nodePercent();
  }

  private RunResult step(SuiteContext suite, NodeProcess node, int sessions) {
    Violations violations = new Violations();
    RunResult.Builder result = RunResult.builder(name(), database.label(), sessions + " sessions").violations(violations)
        .parameter("sessions", sessions)
        .parameter("token_delay_ms", plan.tokenDelay().toMillis())
        .parameter("extra_tokens", plan.extraTokens())
        .parameter("think_ms", plan.pacing().think().toMillis())
        .parameter("warmup_ms", plan.pacing().warmup().toMillis())
        .parameter("window_ms", plan.pacing().window().toMillis())
        .parameter("tool_turn_every", plan.toolTurnEvery())
        .parameter("sessions_per_user", plan.sessionsPerUser());
    ClientContext context = context(suite, node, violations);
    NodeProbe probe = new NodeProbe(node.pid());
    ClientFleet fleet = null;
    try {
      long setUp = System.nanoTime();
      fleet = ClientFleet.create(context, sessions, plan.sessionsPerUser(), "s" + sessions);
      fleet.connectAll();
      suite.log(String.format("  %d sessions created and connected in %.1f s; baseline", sessions, (System.nanoTime() - setUp) / 1e9));

      PhaseMetrics baseline = new PhaseMetrics();
      ModelStreamClient model = new ModelStreamClient(context, node.modelBaseUrl(), sessions);
      CpuMeter baselineCpu = CpuMeter.start(probe);
      TurnLoops.run(context, sessions, (i, k) -> model.turn(TurnScript.plain(i, k)), plan.pacing(), baseline);
      CpuMeter.Usage baselineUsage = baselineCpu.stop();
      closeBaselineConnections(context);

      suite.log("  platform");
      PhaseMetrics platform = new PhaseMetrics();
      ClientFleet clients = fleet;
      CpuMeter platformCpu = CpuMeter.start(probe);
      TurnLoops.run(context, sessions, (i, k) -> clients.get(i).sendTurn(script(i, k)), plan.pacing(), platform);
      CpuMeter.Usage platformUsage = platformCpu.stop();

      long audit = System.nanoTime();
      fleet.auditAll();
      suite.log(String.format("  seq audit of %d sessions in %.1f s", sessions, (System.nanoTime() - audit) / 1e9));
      figures(result, baseline, platform, baselineUsage, platformUsage);
    } catch (RuntimeException e) {
      result.failure(e.getMessage());
    } finally {
      if (fleet != null) fleet.closeAll();
    }
    return result.build();
  }

  /**
   * The baseline's pooled connections to the scripted model would otherwise stay open through the
   * platform phase, and the model server (pekko-http, 1024 connections at most) would refuse the
   * node's own: the baseline must not eat into what it is compared with.
   */
  private static void closeBaselineConnections(ClientContext context) {
    try {
      context.http().shutdownAllConnectionPools().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot close the baseline's connections: " + e.getMessage(), e);
    }
  }

  private TurnScript script(int client, int turn) {
    // staggered by client, so that about one turn in n asks for a tool from the first turns on
    boolean tool = plan.toolTurnEvery() > 0 && (client + turn) % plan.toolTurnEvery() == plan.toolTurnEvery() - 1;
    return tool ? TurnScript.tool(client, turn) : TurnScript.plain(client, turn);
  }

  private static ClientContext context(SuiteContext suite, NodeProcess node, Violations violations) {
    return new ClientContext(suite.system(), node.httpBaseUrl(), node.wsBaseUrl(), violations, Duration.ofSeconds(60));
  }

  private static void figures(
      RunResult.Builder result, PhaseMetrics baseline, PhaseMetrics platform, CpuMeter.Usage baselineCpu, CpuMeter.Usage platformCpu) {
    Latency bTtft = baseline.timeToFirstDelta();
    Latency pTtft = platform.timeToFirstDelta();
    Latency bGap = baseline.deltaGap();
    Latency pGap = platform.deltaGap();
    result.figure("added.time_to_first_token.p50", pTtft.percentileMs(50) - bTtft.percentileMs(50), "ms",
        "platform minus baseline, median time from sending a message to its first token");
    result.figure("added.time_to_first_token.p99", pTtft.percentileMs(99) - bTtft.percentileMs(99), "ms",
        "platform minus baseline, 99th percentile time to first token");
    result.figure("added.per_token_latency.p50", pGap.percentileMs(50) - bGap.percentileMs(50), "ms",
        "platform minus baseline, median gap between consecutive tokens");
    result.figure("added.per_token_latency.p99", pGap.percentileMs(99) - bGap.percentileMs(99), "ms",
        "platform minus baseline, 99th percentile gap between consecutive tokens");
    result.figure("platform.relayed_tokens_per_s", platform.deltasPerSecond(), "tokens/s",
        "assistant_delta messages received by all clients per second");
    result.figure("platform.turns_per_s", platform.turnsPerSecond(), "turns/s", "turns completed per second");
    result.figure("platform.turns", platform.turnsSent(), "turns", "turns sent in the window and completed");
    result.figure("platform.tool_turns", platform.toolTurnsSent(), "turns", "of which turns with a tool round trip");
    result.figure("baseline.tokens_per_s", baseline.deltasPerSecond(), "tokens/s", "tokens read straight from the model per second");
    result.figure("baseline.turns", baseline.turnsSent(), "turns", "answers requested straight from the model in the window");
    LatencyFigures.add(result, "platform.time_to_first_token", pTtft, "user_message sent to first assistant_delta");
    LatencyFigures.add(result, "baseline.time_to_first_token", bTtft, "request sent to first content chunk, straight from the model");
    LatencyFigures.add(result, "platform.delta_gap", pGap, "gap between consecutive assistant_deltas");
    LatencyFigures.add(result, "baseline.delta_gap", bGap, "gap between consecutive content chunks, straight from the model");
    LatencyFigures.add(result, "platform.time_to_turn_completed", platform.turnDuration(), "user_message sent to turn_completed");
    LatencyFigures.add(result, "baseline.time_to_stream_end", baseline.turnDuration(), "request sent to [DONE], straight from the model");
    CpuFigures.add(result, "during_platform", platformCpu, "while the clients went through the platform");
    CpuFigures.add(result, "during_baseline", baselineCpu, "while the clients read the model directly");
    result.plot(new Plot("Time to first token", Plot.Kind.PERCENTILES, "percentile", "ms",
        List.of(new Plot.Series("baseline (model directly)", bTtft.curve()), new Plot.Series("through the platform", pTtft.curve()))));
    result.plot(new Plot("Gap between consecutive tokens", Plot.Kind.PERCENTILES, "percentile", "ms",
        List.of(new Plot.Series("baseline (model directly)", bGap.curve()), new Plot.Series("through the platform", pGap.curve()))));
  }
}
