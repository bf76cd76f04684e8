package codelab.load.scenario;

import codelab.load.metrics.Latency;
import codelab.load.report.RunResult;

/** Puts a latency distribution into a result as named percentile figures (ms). */
final class LatencyFigures {

  private LatencyFigures() {}

  static void add(RunResult.Builder result, String name, Latency latency, String what) {
    result.figure(name + ".p50", latency.percentileMs(50), "ms", what + ", median");
    result.figure(name + ".p90", latency.percentileMs(90), "ms", what + ", 90th percentile");
    result.figure(name + ".p99", latency.percentileMs(99), "ms", what + ", 99th percentile");
    result.figure(name + ".p99_9", latency.percentileMs(99.9), "ms", what + ", 99.9th percentile");
    result.figure(name + ".max", latency.maxMs(), "ms", what + ", maximum");
    result.figure(name + ".count", latency.count(), "samples", what + ", samples");
  }
}
