package codelab.load.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine the figures come from: they mean little without it. */
public record MachineFacts(
    int cores, long memoryBytes, String cpuModel, String javaVersion, String javaVm, String os, double loadAverageAtStart) {

  public static MachineFacts read() {
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    return new MachineFacts(
        Runtime.getRuntime().availableProcessors(),
        memory,
        readCpuModel(),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("cores", cores);
    map.put("memory_bytes", memoryBytes);
    map.put("memory_gib", Math.round(memoryBytes / 1073741824.0 * 10) / 10.0);
    map.put("cpu_model", cpuModel);
    map.put("java_version", javaVersion);
    map.put("java_vm", javaVm);
    map.put("os", os);
    map.put("load_average_at_start", loadAverageAtStart);
    return map;
  }

  private static String readCpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
