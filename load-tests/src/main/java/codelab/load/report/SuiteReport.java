package codelab.load.report;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A whole suite's outcome: what ran, where, what it measured, and how that compares with the goals. */
public record SuiteReport(
    String suite, String command, Instant startedAt, Duration duration, MachineFacts machine, List<RunResult> runs, List<GoalCheck> goals) {

  /** The integrity counters summed over every run. */
  public Map<String, Long> integrityTotals() {
    Map<String, Long> totals = new LinkedHashMap<>();
    runs.forEach(r -> r.integrity().forEach((k, v) -> totals.merge(k, v, Long::sum)));
    return totals;
  }

  public Map<String, Long> healthTotals() {
    Map<String, Long> totals = new LinkedHashMap<>();
    runs.forEach(r -> r.health().forEach((k, v) -> totals.merge(k, v, Long::sum)));
    return totals;
  }

  public boolean integrityHolds() {
    return integrityTotals().values().stream().allMatch(v -> v == 0);
  }

  public boolean allRunsCompleted() {
    return runs.stream().allMatch(r -> r.failure() == null);
  }
}
