package codelab.load.scenario;

import codelab.load.node.NodeProbe;
import java.lang.management.ManagementFactory;

/**
 * CPU used by the node and by the load generator over a phase, in percent of one core (200 % is
 * both cores of this machine): on a machine where the two share cores, this says who was busy.
 */
final class CpuMeter {

  private final NodeProbe node;
  private final long startNanos;
  private final long nodeStart;
  private final long generatorStart;

  private CpuMeter(NodeProbe node) {
    this.node = node;
    this.startNanos = System.nanoTime();
    this.nodeStart = node.cpuTime().toNanos();
    this.generatorStart = generatorCpuNanos();
  }

  static CpuMeter start(NodeProbe node) {
    return new CpuMeter(node);
  }

  record Usage(double nodePercent, double generatorPercent) {}

  Usage stop() {
    double elapsed = System.nanoTime() - startNanos;
    double nodeUsed = node.cpuTime().toNanos() - nodeStart;
    double generatorUsed = generatorCpuNanos() - generatorStart;
    return new Usage(100 * nodeUsed / elapsed, 100 * generatorUsed / elapsed);
  }

  private static long generatorCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
