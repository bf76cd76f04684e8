package codelab.load.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the node's heap, threads and CPU from outside, with the JDK's own tools on its pid: nothing is
 * added to the platform for measuring it. Heap is read after a full collection ({@code jcmd GC.run}),
 * so that it is the live set, not whatever garbage happens to be there.
 */
public final class NodeProbe {

  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");
  private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)");

  private final long pid;

  public NodeProbe(long pid) {
    this.pid = pid;
  }

  /** Bytes of live heap: a full GC, then GC.heap_info's "used". */
  public long liveHeapBytes() {
    jcmd("GC.run");
    // a second collection: the first may leave objects that only become unreachable through finalisation
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (!m.find()) throw new IllegalStateException("cannot read the heap from jcmd GC.heap_info:\n" + info);
    return Long.parseLong(m.group(1)) * 1024;
  }

  /** The node's live thread count, from /proc (Linux). */
  public int threads() {
    try {
      Matcher m = THREADS.matcher(Files.readString(Path.of("/proc", String.valueOf(pid), "status")));
      if (!m.find()) throw new IllegalStateException("no Threads: line in /proc/" + pid + "/status");
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
    }
  }

  /** CPU time the node has used so far (user + system), to tell how busy it was during a phase. */
  public Duration cpuTime() {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).orElse(Duration.ZERO);
  }

  private String jcmd(String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String executable = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
    try {
      Process process = new ProcessBuilder(executable, String.valueOf(pid), command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run jcmd (a JDK, not a JRE, is needed): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
