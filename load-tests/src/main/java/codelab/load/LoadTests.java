package codelab.load;

import codelab.load.report.Goals;
import codelab.load.report.HtmlReport;
import codelab.load.report.MachineFacts;
import codelab.load.report.RunResult;
import codelab.load.report.SuiteReport;
import codelab.load.report.SummaryJson;
import codelab.load.scenario.Scenario;
import codelab.load.scenario.SuiteContext;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Runs a suite against nodes started from a jar and writes {@code summary.json} and
 * {@code index.html} into the report directory.
 */
public final class LoadTests {

  private LoadTests() {}

  public static SuiteReport run(Suite suite, Path nodeJar, Path reportDir, String nodeHeap, String command) throws IOException {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    MachineFacts machine = MachineFacts.read();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "load-generator", ConfigFactory.load());
    List<RunResult> results = new ArrayList<>();
    try (SuiteContext context = new SuiteContext(system, nodeJar, reportDir, nodeHeap, suite.shareNodes())) {
      for (Scenario scenario : suite.scenarios()) {
        try {
          results.addAll(scenario.run(context));
        } catch (RuntimeException e) {
          results.add(RunResult.builder(scenario.name(), scenario.database().label(), "run").failure(String.valueOf(e)).build());
        }
        // a report after every scenario: a long run stopped half-way still leaves its figures
        write(new SuiteReport(suite.name(), command, startedAt, Duration.ofNanos(System.nanoTime() - start), machine,
            List.copyOf(results), Goals.evaluate(results)), reportDir);
      }
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get();
      } catch (Exception e) {
        // the report is written; a slow shutdown changes nothing
      }
    }
    SuiteReport report = new SuiteReport(suite.name(), command, startedAt, Duration.ofNanos(System.nanoTime() - start), machine,
        List.copyOf(results), Goals.evaluate(results));
    write(report, reportDir);
    return report;
  }

  private static void write(SuiteReport report, Path reportDir) throws IOException {
    SummaryJson.write(report, reportDir.resolve("summary.json"));
    HtmlReport.write(report, reportDir.resolve("index.html"));
  }
}
