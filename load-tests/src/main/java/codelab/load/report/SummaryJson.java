package codelab.load.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;


/**
 * {@code summary.json}: every figure by name with its unit, under its scenario, database and step,
 * with the machine's facts, the error counters (and whether they are all 0), and the goals.
 */
public final class SummaryJson {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SummaryJson() {}

  public static void write(SuiteReport report, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writeValueAsString(toJson(report)));
  }

  static ObjectNode toJson(SuiteReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("suite", report.suite());
    root.put("command", report.command());
    root.put("started_at", report.startedAt().toString());
    root.put("duration_s", round(report.duration().toMillis() / 1000.0));
    root.set("machine", JSON.valueToTree(report.machine().asMap()));
    ObjectNode integrity = root.putObject("integrity");
    integrity.put("all_zero", report.integrityHolds());
    integrity.put("meaning", "lost, duplicated or out-of-order deltas and seq values over every run; each must be 0");
    integrity.set("totals", JSON.valueToTree(report.integrityTotals()));
    ObjectNode health = root.putObject("health");
    health.put("all_zero", report.healthTotals().values().stream().allMatch(v -> v == 0));
    health.put("meaning", "failed or timed-out turns, error messages, dropped sockets; should be 0");
    health.set("totals", JSON.valueToTree(report.healthTotals()));
    root.put("all_runs_completed", report.allRunsCompleted());

    ArrayNode goals = root.putArray("goals");
    for (GoalCheck goal : report.goals()) {
      ObjectNode g = goals.addObject();
      g.put("goal", goal.goal());
      g.put("target", goal.target());
      if (goal.value() == null) g.putNull("value");
      else g.put("value", round(goal.value()));
      g.put("unit", goal.unit());
      if (goal.met() == null) g.putNull("met");
      else g.put("met", goal.met());
      g.put("source", goal.source());
    }

    ArrayNode runs = root.putArray("runs");
    for (RunResult run : report.runs()) {
      ObjectNode r = runs.addObject();
      r.put("scenario", run.scenario());
      r.put("database", run.database());
      r.put("step", run.step());
      r.set("parameters", JSON.valueToTree(run.parameters()));
      if (run.failure() == null) r.putNull("failure");
      else r.put("failure", run.failure());
      r.put("integrity_all_zero", run.integrityHolds());
      r.set("integrity", JSON.valueToTree(run.integrity()));
      r.set("health", JSON.valueToTree(run.health()));
      ArrayNode figures = r.putArray("figures");
      for (Figure figure : run.figures()) {
        ObjectNode f = figures.addObject();
        f.put("name", figure.name());
        if (Double.isNaN(figure.value()) || Double.isInfinite(figure.value())) f.putNull("value");
        else f.put("value", round(figure.value()));
        f.put("unit", figure.unit());
        f.put("description", figure.description());
      }
      ObjectNode plots = r.putObject("plots");
      for (Plot plot : run.plots()) {
        ObjectNode p = plots.putObject(plot.title());
        p.put("x", plot.xLabel());
        p.put("y", plot.yLabel());
        for (Plot.Series series : plot.series()) {
          ArrayNode points = p.putArray(series.label());
          for (double[] point : series.points()) points.addArray().add(round(point[0])).add(round(point[1]));
        }
      }
      r.set("notes", JSON.valueToTree(run.notes()));
    }
    return root;
  }

  private static double round(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) return value;
    return Math.round(value * 1000) / 1000.0;
  }

}
