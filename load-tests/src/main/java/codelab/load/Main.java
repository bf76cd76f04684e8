package codelab.load;

import codelab.load.node.DatabaseKind;
import codelab.load.report.GoalCheck;
import codelab.load.report.SuiteReport;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code java -jar load-tests/target/codelab-load-tests.jar quick|full|smoke [options]}.
 *
 * <pre>
 *   --scenarios streaming,idle,persistence,reconnect,memory-recall   only these
 *   --databases h2,postgresql                          only these
 *   --streaming-sessions 1,100,1000                    the streaming steps instead of the suite's
 *   --node-jar PATH      default: platform/target/codelab-platform.jar next to this module
 *   --report-dir DIR     default: load-tests/target/report
 *   --node-heap SIZE     the node's -Xmx (default 2g)
 * </pre>
 *
 * Exits 0 when every run completed and every integrity counter is 0; 1 otherwise.
 */
public final class Main {

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println("usage: java -jar codelab-load-tests.jar quick|full|smoke [--scenarios a,b] [--databases h2,postgresql]"
          + " [--streaming-sessions 1,100,1000] [--node-jar PATH] [--report-dir DIR] [--node-heap 2g]");
      System.exit(2);
    }
    Suite suite = Suite.named(args[0]);
    Set<String> scenarios = Set.of();
    Set<DatabaseKind> databases = Set.of();
    Path moduleDir = moduleDir();
    Path nodeJar = moduleDir.resolve("../platform/target/codelab-platform.jar").normalize();
    Path reportDir = moduleDir.resolve("target/report");
    String nodeHeap = "2g";
    List<Integer> streamingSessions = List.of();
    for (int i = 1; i < args.length; i++) {
      String option = args[i];
      String value = i + 1 < args.length ? args[++i] : null;
      if (value == null) throw new IllegalArgumentException(option + " needs a value");
      switch (option) {
        case "--scenarios" -> scenarios = Set.of(value.split(","));
        case "--databases" -> databases = Arrays.stream(value.split(","))
            .map(d -> Arrays.stream(DatabaseKind.values()).filter(k -> k.label().equals(d)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown database " + d + ": h2 or postgresql")))
            .collect(Collectors.toCollection(HashSet::new));
        case "--node-jar" -> nodeJar = Path.of(value);
        case "--report-dir" -> reportDir = Path.of(value);
        case "--node-heap" -> nodeHeap = value;
        case "--streaming-sessions" -> streamingSessions = Arrays.stream(value.split(",")).map(Integer::parseInt).toList();
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    suite = suite.only(scenarios, databases);
    if (!streamingSessions.isEmpty()) suite = suite.withStreamingSessions(streamingSessions);
    String command = "java -jar codelab-load-tests.jar " + String.join(" ", args);
    System.out.println("CodeLab load tests: " + suite.name() + " suite, " + suite.scenarios().size() + " scenario runs; node "
        + nodeJar + "; report in " + reportDir.toAbsolutePath());
    SuiteReport report = LoadTests.run(suite, nodeJar, reportDir, nodeHeap, command);
    print(report, reportDir);
    System.exit(report.integrityHolds() && report.allRunsCompleted() ? 0 : 1);
  }

  private static void print(SuiteReport report, Path reportDir) {
    System.out.println();
    System.out.println("integrity counters (must be 0): " + report.integrityTotals());
    System.out.println("health counters (should be 0):  " + report.healthTotals());
    report.runs().stream().filter(r -> r.failure() != null)
        .forEach(r -> System.out.println("NOT COMPLETED " + r.scenario() + "/" + r.database() + "/" + r.step() + ": " + r.failure()));
    System.out.println("goals:");
    for (GoalCheck goal : report.goals()) {
      System.out.printf(Locale.ROOT, "  %-75s %-10s %14s  %s%n", goal.goal(), goal.target(),
          goal.value() == null ? "—" : String.format(Locale.ROOT, "%.2f %s", goal.value(), goal.unit()),
          goal.met() == null ? "not measured" : goal.met() ? "met" : "NOT met");
    }
    System.out.println("report: " + reportDir.resolve("index.html").toAbsolutePath() + " and summary.json");
  }

  /** load-tests/, found from this jar (load-tests/target/codelab-load-tests.jar) or, from an IDE, the working directory. */
  private static Path moduleDir() throws URISyntaxException {
    Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    // load-tests/target/codelab-load-tests.jar or load-tests/target/classes
    Path target = code.getParent();
    if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")) {
      return target.getParent();
    }
    Path cwd = Path.of("").toAbsolutePath();
    return Files.isDirectory(cwd.resolve("load-tests")) ? cwd.resolve("load-tests") : cwd;
  }
}
