package codelab.load;

import codelab.load.node.DatabaseKind;
import codelab.load.scenario.IdleScenario;
import codelab.load.scenario.MemoryRecallScenario;
import codelab.load.scenario.Pacing;
import codelab.load.scenario.PersistenceScenario;
import codelab.load.scenario.ReconnectScenario;
import codelab.load.scenario.Scenario;
import codelab.load.scenario.StreamingScenario;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The named runs: {@code quick} (under 5 minutes on a 2-core machine), {@code full} (under 30), and
 * {@code smoke} (a few sessions for a few seconds; what {@code mvn verify} runs).
 */
public record Suite(String name, boolean shareNodes, List<Scenario> scenarios) {

  /** The scripted model's pace for streaming: 20 ms between tokens, 50 tokens/s per session, as a fast hosted model. */
  static final Duration PACE = Duration.ofMillis(20);
  /** Filler tokens per answer: with the quoted message about 50 tokens, one second of streaming per turn. */
  static final int ANSWER_FILLER = 40;
  /** One agent's memories at which recall is measured: issue 10's sizes (the default cap is 100,000). */
  static final List<Integer> MEMORIES = List.of(10_000, 100_000);

  public static Suite named(String name) {
    return switch (name) {
      case "quick" -> quick();
      case "full" -> full();
      case "smoke" -> smoke();
      default -> throw new IllegalArgumentException("unknown suite '" + name + "': quick, full or smoke");
    };
  }

  public static Suite quick() {
    StreamingScenario.Plan streaming = new StreamingScenario.Plan(List.of(1, 20, 100),
        new Pacing(Duration.ofMillis(1500), Duration.ofSeconds(5), Duration.ofMillis(250), Duration.ofSeconds(1)),
        PACE, ANSWER_FILLER, 10, 10, Duration.ofSeconds(20));
    return new Suite("quick", false, List.of(
        new StreamingScenario(streaming, DatabaseKind.H2),
        new StreamingScenario(streaming, DatabaseKind.POSTGRES),
        new IdleScenario(new IdleScenario.Plan(500, Duration.ofSeconds(5), 10), DatabaseKind.H2),
        new PersistenceScenario(new PersistenceScenario.Plan(List.of(8, 32, 128, 256),
            new Pacing(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ZERO, Duration.ofMillis(500)), 0.10, 10),
            DatabaseKind.POSTGRES),
        new ReconnectScenario(new ReconnectScenario.Plan(50, PACE, 100, 15, 10), DatabaseKind.POSTGRES),
        new MemoryRecallScenario(new MemoryRecallScenario.Plan(MEMORIES, 200), DatabaseKind.POSTGRES)));
  }

  public static Suite full() {
    StreamingScenario.Plan streaming = new StreamingScenario.Plan(List.of(1, 100, 1000),
        new Pacing(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofSeconds(2)),
        PACE, ANSWER_FILLER, 10, 10, Duration.ofSeconds(30));
    return new Suite("full", false, List.of(
        new StreamingScenario(streaming, DatabaseKind.H2),
        new StreamingScenario(streaming, DatabaseKind.POSTGRES),
        new IdleScenario(new IdleScenario.Plan(10_000, Duration.ofSeconds(30), 10), DatabaseKind.H2),
        new PersistenceScenario(new PersistenceScenario.Plan(List.of(8, 32, 128, 256, 512, 1024),
            new Pacing(Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ZERO, Duration.ofSeconds(1)), 0.05, 10),
            DatabaseKind.POSTGRES),
        new ReconnectScenario(new ReconnectScenario.Plan(500, PACE, 300, 25, 10), DatabaseKind.POSTGRES),
        new MemoryRecallScenario(new MemoryRecallScenario.Plan(MEMORIES, 500), DatabaseKind.POSTGRES)));
  }

  /** Enough to prove the instruments work end to end: a real node, real sockets, a tool call, a drop and resume, a recall. */
  public static Suite smoke() {
    // both on one node (same settings): 10 ms pace, answers of about 70 tokens
    Duration pace = Duration.ofMillis(10);
    int filler = 60;
    StreamingScenario.Plan streaming = new StreamingScenario.Plan(List.of(3),
        new Pacing(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofMillis(300)),
        pace, filler, 2, 3, Duration.ZERO);
    return new Suite("smoke", true, List.of(
        new StreamingScenario(streaming, DatabaseKind.H2),
        new ReconnectScenario(new ReconnectScenario.Plan(3, pace, filler, 10, 3), DatabaseKind.H2),
        new MemoryRecallScenario(new MemoryRecallScenario.Plan(List.of(1000), 30), DatabaseKind.H2)));
  }

  /** The streaming scenario at other session counts (e.g. one step at 1000 to look at it alone). */
  public Suite withStreamingSessions(List<Integer> sessionCounts) {
    return new Suite(name, shareNodes, scenarios.stream()
        .map(s -> s instanceof StreamingScenario streaming
            ? new StreamingScenario(streaming.plan().withSessionCounts(sessionCounts), streaming.database())
            : s)
        .toList());
  }

  /** Only the named scenarios and databases (empty: all). */
  public Suite only(Set<String> scenarioNames, Set<DatabaseKind> databases) {
    return new Suite(name, shareNodes, scenarios.stream()
        .filter(s -> scenarioNames.isEmpty() || scenarioNames.contains(s.name()))
        .filter(s -> databases.isEmpty() || databases.contains(s.database()))
        .toList());
  }
}
