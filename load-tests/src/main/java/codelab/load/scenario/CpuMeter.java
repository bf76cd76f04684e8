package codelab.load.scenario;

import codelab.load.node.NodeProbe;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used over a phase, in percent of one core (200 % is both cores of a 2-core machine): by the
 * node, by the load generator, and by everything else on the machine (PostgreSQL, and whatever else
 * shares it). On a shared machine the last one says how far the figures can be trusted.
 */
final class CpuMeter {

  /** Linux reports /proc/stat in clock ticks of 10 ms (USER_HZ = 100 on every common kernel). */
  private static final double NANOS_PER_TICK = 10_000_000;

  private final NodeProbe node;
  private final long startNanos;
  private final long nodeStart;
  private final long generatorStart;
  private final long machineStart;

  private CpuMeter(NodeProbe node) {
    this.node = node;
    this.startNanos = System.nanoTime();
    this.nodeStart = node.cpuTime().toNanos();
    this.generatorStart = generatorCpuNanos();
    this.machineStart = machineBusyNanos();
  }

  static CpuMeter start(NodeProbe node) {
    return new CpuMeter(node);
  }

  record Usage(double nodePercent, double generatorPercent, double othersPercent, double loadAverage) {}

  Usage stop() {
    double elapsed = System.nanoTime() - startNanos;
    double nodeUsed = node.cpuTime().toNanos() - nodeStart;
    double generatorUsed = generatorCpuNanos() - generatorStart;
    double machineUsed = machineBusyNanos() - machineStart;
    double others = machineStart < 0 ? Double.NaN : Math.max(0, machineUsed - nodeUsed - generatorUsed);
    return new Usage(100 * nodeUsed / elapsed, 100 * generatorUsed / elapsed, 100 * others / elapsed,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static long generatorCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** All cores' non-idle time since boot (/proc/stat: user nice system idle iowait irq softirq steal …); -1 off Linux. */
  private static long machineBusyNanos() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        if (i == 4 || i == 5) continue; // idle, iowait
        busy += Long.parseLong(fields[i]);
      }
      return (long) (busy * NANOS_PER_TICK);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
