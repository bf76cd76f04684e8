package codelab.load.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.DoublePredicate;

/** Issue 5's goals for one node on this machine, checked against a suite's results. */
public final class Goals {

  private static final int GOAL_SESSIONS = 100;

  private Goals() {}

  public static List<GoalCheck> evaluate(List<RunResult> results) {
    List<GoalCheck> checks = new ArrayList<>();
    for (String database : databases(results, "streaming")) {
      Optional<RunResult> at100 = streamingStep(results, database, GOAL_SESSIONS);
      checks.add(check("added time to first token p50 at 100 sessions (" + database + ")", "< 5 ms",
          at100, "added.time_to_first_token.p50", "ms", v -> v < 5));
      checks.add(check("added time to first token p99 at 100 sessions (" + database + ")", "< 20 ms",
          at100, "added.time_to_first_token.p99", "ms", v -> v < 20));
      checks.add(check("added per-token latency p99 at 100 sessions (" + database + ")", "< 2 ms",
          at100, "added.per_token_latency.p99", "ms", v -> v < 2));
      Optional<RunResult> largest = results.stream()
          .filter(r -> r.scenario().equals("streaming") && r.database().equals(database) && r.failure() == null)
          .max(Comparator.comparingInt(Goals::sessions));
      if (largest.isPresent() && sessions(largest.get()) != GOAL_SESSIONS) {
        checks.add(check("added per-token latency p99 at " + sessions(largest.get()) + " sessions (" + database + ")", "< 2 ms",
            largest, "added.per_token_latency.p99", "ms", v -> v < 2));
      }
      Optional<RunResult> clean = results.stream()
          .filter(r -> r.scenario().equals("streaming") && r.database().equals(database))
          .filter(r -> r.failure() == null && r.integrityHolds() && r.health().get("turns_failed") == 0
              && r.health().get("turns_timed_out") == 0)
          .max(Comparator.comparingInt(Goals::sessions));
      checks.add(new GoalCheck("concurrent streaming sessions with zero lost tokens (" + database + ")", ">= 1000",
          clean.map(r -> (double) sessions(r)).orElse(null), "sessions",
          clean.map(r -> sessions(r) >= 1000).orElse(null), clean.map(Goals::source).orElse("no clean streaming step")));
    }
    // the best sound step; if none was sound, the best of all (then reported as not met)
    Comparator<RunResult> byTokens = Comparator.comparingDouble(r -> r.figure("platform.relayed_tokens_per_s").map(Figure::value).orElse(0.0));
    List<RunResult> streaming = results.stream().filter(r -> r.scenario().equals("streaming") && r.failure() == null).toList();
    Optional<RunResult> fastest = streaming.stream().filter(r -> r.integrityHolds() && r.healthy()).max(byTokens)
        .or(() -> streaming.stream().max(byTokens));
    checks.add(check("relayed tokens/s", ">= 50000", fastest, "platform.relayed_tokens_per_s", "tokens/s", v -> v >= 50_000));
    Optional<RunResult> idle = results.stream().filter(r -> r.scenario().equals("idle") && r.failure() == null).findFirst();
    checks.add(check("heap per idle WebSocket session", "< 50 KiB", idle, "heap_per_idle_session", "KiB", v -> v < 50));
    Optional<RunResult> persistence = results.stream()
        .filter(r -> r.scenario().equals("persistence") && r.step().equals("saturation")).findFirst();
    checks.add(check("journal events/s on PostgreSQL", ">= 2000", persistence, "max_journal_events_per_s", "events/s", v -> v >= 2000));
    return checks;
  }

  /**
   * A goal is met only by a step that was itself sound: with failed or timed-out turns or broken
   * promises, a latency difference against an overloaded baseline can look good and mean nothing.
   */
  private static GoalCheck check(
      String goal, String target, Optional<RunResult> result, String figure, String unit, DoublePredicate met) {
    Optional<Double> value = result.flatMap(r -> r.figure(figure)).map(Figure::value).filter(v -> !v.isNaN());
    boolean sound = result.map(r -> r.failure() == null && r.integrityHolds() && r.healthy()).orElse(false);
    String source = result.map(r -> source(r) + ": " + figure + (sound ? "" : " (not met: the step had failures or errors)"))
        .orElse("not run");
    return new GoalCheck(goal, target, value.orElse(null), unit, value.map(v -> sound && met.test(v)).orElse(null), source);
  }

  private static Optional<RunResult> streamingStep(List<RunResult> results, String database, int sessions) {
    return results.stream()
        .filter(r -> r.scenario().equals("streaming") && r.database().equals(database) && sessions(r) == sessions && r.failure() == null)
        .findFirst();
  }

  private static List<String> databases(List<RunResult> results, String scenario) {
    return results.stream().filter(r -> r.scenario().equals(scenario)).map(RunResult::database).distinct().toList();
  }

  private static int sessions(RunResult result) {
    Object sessions = result.parameters().get("sessions");
    return sessions instanceof Number n ? n.intValue() : -1;
  }

  private static String source(RunResult result) {
    return result.scenario() + " / " + result.database() + " / " + result.step();
  }
}
