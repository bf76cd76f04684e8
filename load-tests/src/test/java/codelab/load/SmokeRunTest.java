package codelab.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import codelab.load.report.Figure;
import codelab.load.report.RunResult;
import codelab.load.report.SuiteReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The smoke run {@code mvn verify} makes: a real node process (the jar platform's package phase just
 * built), real WebSockets, a few sessions for a few seconds, a tool call, a drop and resume. It
 * asserts that the instrument works and that nothing was lost, duplicated or reordered, never a
 * timing: figures from a shared CI machine are not a verdict.
 */
class SmokeRunTest {

  @Test
  void aFewSessionsStreamWithNothingLostAndTheSummaryIsWritten() throws Exception {
    // surefire runs in the module's directory: load-tests/
    Path nodeJar = Path.of("..", "platform", "target", "codelab-platform.jar").toAbsolutePath().normalize();
    if (!Files.isRegularFile(nodeJar)) {
      fail("the node jar " + nodeJar + " is missing: the smoke run needs platform's package phase first."
          + " Run it from the root (mvn verify), or build it: mvn -q -pl platform -am package -DskipTests");
    }
    Path reportDir = Path.of("target", "smoke-report");

    SuiteReport report = LoadTests.run(Suite.smoke(), nodeJar, reportDir, "512m", "SmokeRunTest (mvn verify)");

    assertTrue(Files.isRegularFile(reportDir.resolve("summary.json")), "summary.json was not written");
    assertTrue(Files.isRegularFile(reportDir.resolve("index.html")), "index.html was not written");
    for (RunResult run : report.runs()) {
      String where = run.scenario() + "/" + run.database() + "/" + run.step();
      assertEquals(null, run.failure(), where + " did not complete");
      run.integrity().forEach((counter, value) -> assertEquals(0L, value, where + ": " + counter));
    }
    double turns = report.runs().stream()
        .flatMap(r -> r.figure("platform.turns").or(() -> r.figure("turns_completed_after_resume")).stream())
        .mapToDouble(Figure::value).sum();
    assertTrue(turns > 0, "no turn completed: the smoke run measured nothing");
  }
}
