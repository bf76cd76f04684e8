package codelab.load.scenario;

import codelab.load.client.ClientContext;
import codelab.load.client.TurnScript;
import codelab.load.client.Violations;
import codelab.load.metrics.PhaseMetrics;
import codelab.load.node.DatabaseKind;
import codelab.load.node.JournalCounter;
import codelab.load.node.NodeProbe;
import codelab.load.node.NodeProcess;
import codelab.load.report.Plot;
import codelab.load.report.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * persistence: how many turns, and journal events, per second the node writes to PostgreSQL. The
 * scripted model answers at once (no pace) with short answers, clients send back to back, and the
 * number of sessions rises step by step until turns/s stops rising (saturation). Events/s come from
 * counting {@code event_journal} rows over JDBC, not from the clients.
 */
public record PersistenceScenario(Plan plan, DatabaseKind database) implements Scenario {

  /**
   * @param sessionSteps the rising numbers of concurrent sessions
   * @param saturationGain a step that raises turns/s by less than this fraction over the previous one ends the ramp
   */
  public record Plan(List<Integer> sessionSteps, Pacing pacing, double saturationGain, int sessionsPerUser) {}

  @Override
  public String name() {
    return "persistence";
  }

  @Override
  public List<RunResult> run(SuiteContext suite) {
    List<RunResult> results = new ArrayList<>();
    suite.log("persistence on " + database.label());
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "journal-sampler");
      t.setDaemon(true);
      return t;
    });
    try (SuiteContext.NodeLease lease = suite.startNode("persistence", database, Duration.ZERO, 0);
        JournalCounter journal = new JournalCounter(lease.node().postgres().orElseThrow(
            () -> new IllegalStateException("the persistence scenario counts PostgreSQL's journal rows; run it on postgresql")))) {
      NodeProcess node = lease.node();
      NodeProbe probe = new NodeProbe(node.pid());
      long t0 = System.nanoTime();
      List<double[]> eventsOverTime = new CopyOnWriteArrayList<>();
      long[] previous = {journal.events(), t0};
      sampler.scheduleAtFixedRate(() -> {
        long now = System.nanoTime();
        long events = journal.events();
        eventsOverTime.add(new double[] {(now - t0) / 1e9, (events - previous[0]) / ((now - previous[1]) / 1e9)});
        previous[0] = events;
        previous[1] = now;
      }, 1, 1, TimeUnit.SECONDS);

      List<double[]> turnsBySessions = new ArrayList<>();
      List<double[]> eventsBySessions = new ArrayList<>();
      double bestTurns = 0;
      double bestEvents = 0;
      int bestSessions = 0;
      boolean saturated = false;
      double previousTurns = 0;
      for (int sessions : plan.sessionSteps()) {
        suite.log("persistence on " + database.label() + ": " + sessions + " sessions");
        Violations violations = new Violations();
        RunResult.Builder step = RunResult.builder(name(), database.label(), sessions + " sessions").violations(violations)
            .parameter("sessions", sessions)
            .parameter("token_delay_ms", 0)
            .parameter("extra_tokens", 0)
            .parameter("think_ms", plan.pacing().think().toMillis())
            .parameter("window_ms", plan.pacing().window().toMillis());
        ClientContext context = context(suite, node, violations);
        ClientFleet fleet = ClientFleet.create(context, sessions, plan.sessionsPerUser(), "p" + sessions);
        fleet.connectAll();
        PhaseMetrics metrics = new PhaseMetrics();
        long[] window = new long[4];
        ScheduledExecutorService marks = sampler;
        marks.schedule(() -> {
          window[0] = journal.events();
          window[1] = System.nanoTime();
        }, plan.pacing().warmup().toMillis(), TimeUnit.MILLISECONDS);
        marks.schedule(() -> {
          window[2] = journal.events();
          window[3] = System.nanoTime();
        }, plan.pacing().warmup().plus(plan.pacing().window()).toMillis(), TimeUnit.MILLISECONDS);
        CpuMeter cpu = CpuMeter.start(probe);
        TurnLoops.run(context, sessions, (i, k) -> fleet.get(i).sendTurn(TurnScript.plain(i, k)), plan.pacing(), metrics);
        CpuMeter.Usage usage = cpu.stop();
        fleet.auditAll();
        fleet.closeAll();

        double eventsPerSecond = window[3] > window[1] ? (window[2] - window[0]) / ((window[3] - window[1]) / 1e9) : 0;
        double turnsPerSecond = metrics.turnsPerSecond();
        step.figure("turns_per_s", turnsPerSecond, "turns/s", "turns completed per second");
        step.figure("journal_events_per_s", eventsPerSecond, "events/s", "rows added to event_journal per second (counted over JDBC)");
        step.figure("journal_events_per_turn", turnsPerSecond > 0 ? eventsPerSecond / turnsPerSecond : 0, "events", "journal rows per turn");
        step.figure("platform.relayed_tokens_per_s", metrics.deltasPerSecond(), "tokens/s", "assistant_deltas received per second");
        LatencyFigures.add(step, "time_to_first_token", metrics.timeToFirstDelta(), "user_message to first delta (the model answers at once)");
        LatencyFigures.add(step, "time_to_turn_completed", metrics.turnDuration(), "user_message to turn_completed");
        CpuFigures.add(step, "during_step", usage, "during the step");
        results.add(step.build());

        turnsBySessions.add(new double[] {sessions, turnsPerSecond});
        eventsBySessions.add(new double[] {sessions, eventsPerSecond});
        if (turnsPerSecond > bestTurns) {
          bestTurns = turnsPerSecond;
          bestSessions = sessions;
        }
        bestEvents = Math.max(bestEvents, eventsPerSecond);
        if (previousTurns > 0 && turnsPerSecond < previousTurns * (1 + plan.saturationGain())) {
          saturated = true;
          break;
        }
        previousTurns = turnsPerSecond;
      }
      RunResult.Builder summary = RunResult.builder(name(), database.label(), "saturation")
          .parameter("session_steps", plan.sessionSteps())
          .parameter("saturation_gain", plan.saturationGain());
      summary.figure("max_turns_per_s", bestTurns, "turns/s", "the highest turns/s of any step");
      summary.figure("max_journal_events_per_s", bestEvents, "events/s", "the highest journal events/s of any step");
      summary.figure("sessions_at_max_turns", bestSessions, "sessions", "concurrent sessions of the best step");
      summary.figure("saturated", saturated ? 1 : 0, "boolean",
          "1: turns/s stopped rising within the steps; 0: the last step still gained (more sessions might give more)");
      summary.plot(new Plot("Throughput by concurrent sessions", Plot.Kind.LINE, "sessions", "per second",
          List.of(new Plot.Series("turns/s", turnsBySessions), new Plot.Series("journal events/s", eventsBySessions))));
      summary.plot(new Plot("Journal events/s over the run (1 s samples)", Plot.Kind.LINE, "s", "events/s",
          List.of(new Plot.Series("event_journal rows/s", new ArrayList<>(eventsOverTime)))));
      results.add(summary.build());
    } catch (RuntimeException e) {
      results.add(RunResult.builder(name(), database.label(), "run").failure(e.getMessage()).build());
    } finally {
      sampler.shutdownNow();
    }
    return results;
  }

  private static ClientContext context(SuiteContext suite, NodeProcess node, Violations violations) {
    return new ClientContext(suite.system(), node.httpBaseUrl(), node.wsBaseUrl(), violations, Duration.ofSeconds(60));
  }
}
