package codelab.load.scenario;

import codelab.load.report.RunResult;

/** Puts a phase's CPU use into a result: node, load generator, the rest of the machine, load average. */
final class CpuFigures {

  private CpuFigures() {}

  static void add(RunResult.Builder result, String phase, CpuMeter.Usage usage, String when) {
    result.figure("cpu.node_" + phase, usage.nodePercent(), "% of a core", "the node's CPU use " + when);
    result.figure("cpu.generator_" + phase, usage.generatorPercent(), "% of a core", "the load generator's CPU use " + when);
    result.figure("cpu.others_" + phase, usage.othersPercent(), "% of a core",
        "every other process (PostgreSQL, other work on a shared machine) " + when);
    result.figure("machine.load_average_" + phase, usage.loadAverage(), "runnable tasks", "1-minute load average at the end, " + when);
  }
}
