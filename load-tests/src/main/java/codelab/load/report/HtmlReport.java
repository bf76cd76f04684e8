package codelab.load.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code index.html}: the suite for a human reader. One self-contained page (inline CSS and SVG, no
 * script): machine, the error counters, the goals, then every scenario's steps with their figures and
 * latency-percentile plots.
 */
public final class HtmlReport {

  private HtmlReport() {}

  public static void write(SuiteReport report, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, render(report));
  }

  static String render(SuiteReport report) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>CodeLab load tests: ").append(escape(report.suite())).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1250px;color:#222}")
        .append("table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:14px}")
        .append("td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}")
        .append(".ok{background:#e6f4e6}.bad{background:#fbe3e3}.unknown{background:#f3f3f3}")
        .append(".banner{padding:.6em 1em;border-radius:4px;margin:1em 0;font-weight:600}")
        .append(".charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #ddd;background:#fff}")
        .append(".chart .title{font-size:14px;font-weight:600}.chart .tick{font-size:11px;fill:#555}")
        .append(".chart .axis{font-size:12px;fill:#333}.chart .legend{font-size:11px}")
        .append("details{margin:.3em 0 1em}summary{cursor:pointer;color:#555}.params{color:#555;font-size:14px}")
        .append("</style></head><body>");
    html.append("<h1>CodeLab load tests — ").append(escape(report.suite())).append(" suite</h1>");
    html.append("<p class=\"params\">").append(escape(report.command())).append("<br>started ")
        .append(escape(report.startedAt().toString())).append(", took ")
        .append(String.format(Locale.ROOT, "%.0f s", report.duration().toMillis() / 1000.0)).append("</p>");

    html.append("<h2>Machine</h2>");
    keyValues(html, report.machine().asMap());

    boolean integrity = report.integrityHolds();
    html.append("<div class=\"banner ").append(integrity ? "ok" : "bad").append("\">")
        .append(integrity
            ? "Every error counter is 0: no delta or seq value was lost, duplicated or out of order, in any run."
            : "Error counters are NOT all 0: see the runs below.")
        .append("</div>");
    html.append("<table><tr><th>integrity counter (must be 0)</th><th>total</th></tr>");
    report.integrityTotals().forEach((k, v) -> counterRow(html, k, v));
    html.append("</table><table><tr><th>health counter (should be 0)</th><th>total</th></tr>");
    report.healthTotals().forEach((k, v) -> counterRow(html, k, v));
    html.append("</table>");
    if (!report.allRunsCompleted()) {
      html.append("<div class=\"banner bad\">Some runs did not complete; their failure is shown with them.</div>");
    }

    html.append("<h2>Goals (issue 5)</h2><table><tr><th>goal</th><th>target</th><th>measured</th><th>met</th><th>from</th></tr>");
    for (GoalCheck goal : report.goals()) {
      String css = goal.met() == null ? "unknown" : goal.met() ? "ok" : "bad";
      html.append("<tr class=\"").append(css).append("\"><td>").append(escape(goal.goal())).append("</td><td>")
          .append(escape(goal.target())).append("</td><td class=\"num\">")
          .append(goal.value() == null ? "—" : number(goal.value()) + " " + escape(goal.unit())).append("</td><td>")
          .append(goal.met() == null ? "not measured" : goal.met() ? "yes" : "no").append("</td><td>")
          .append(escape(goal.source())).append("</td></tr>");
    }
    html.append("</table>");

    String group = null;
    for (RunResult run : report.runs()) {
      String heading = run.scenario() + " — " + run.database();
      if (!heading.equals(group)) {
        html.append("<h2>").append(escape(heading)).append("</h2>");
        group = heading;
      }
      html.append("<h3>").append(escape(run.step())).append("</h3>");
      html.append("<p class=\"params\">").append(escape(parameters(run.parameters()))).append("</p>");
      if (run.failure() != null) {
        html.append("<div class=\"banner bad\">Did not complete: ").append(escape(run.failure())).append("</div>");
      }
      Map<String, Long> nonZero = new LinkedHashMap<>();
      run.integrity().forEach((k, v) -> { if (v != 0) nonZero.put(k, v); });
      run.health().forEach((k, v) -> { if (v != 0) nonZero.put(k, v); });
      html.append("<p>").append(nonZero.isEmpty()
          ? "Error counters: all 0."
          : "<span class=\"bad\">Error counters not 0: " + escape(nonZero.toString()) + "</span>").append("</p>");
      if (!run.plots().isEmpty()) {
        html.append("<div class=\"charts\">");
        run.plots().forEach(plot -> html.append(SvgChart.render(plot)));
        html.append("</div>");
      }
      List<Figure> figures = run.figures();
      if (!figures.isEmpty()) {
        html.append("<table><tr><th>figure</th><th>value</th><th>unit</th><th>what</th></tr>");
        for (Figure f : figures) {
          html.append("<tr><td>").append(escape(f.name())).append("</td><td class=\"num\">").append(number(f.value()))
              .append("</td><td>").append(escape(f.unit())).append("</td><td>").append(escape(f.description())).append("</td></tr>");
        }
        html.append("</table>");
      }
      for (String note : run.notes()) html.append("<p>").append(escape(note)).append("</p>");
    }
    html.append("</body></html>\n");
    return html.toString();
  }

  private static void counterRow(StringBuilder html, String name, long value) {
    html.append("<tr class=\"").append(value == 0 ? "ok" : "bad").append("\"><td>").append(escape(name))
        .append("</td><td class=\"num\">").append(value).append("</td></tr>");
  }

  private static void keyValues(StringBuilder html, Map<String, Object> values) {
    html.append("<table>");
    values.forEach((k, v) -> html.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(String.valueOf(v))).append("</td></tr>"));
    html.append("</table>");
  }

  private static String parameters(Map<String, Object> parameters) {
    StringBuilder text = new StringBuilder();
    parameters.forEach((k, v) -> text.append(text.length() == 0 ? "" : ", ").append(k).append(" = ").append(v));
    return text.toString();
  }

  private static String number(double value) {
    if (Double.isNaN(value)) return "—";
    if (value == Math.rint(value) && Math.abs(value) < 1e12) return String.format(Locale.ROOT, "%,d", (long) value);
    if (Math.abs(value) >= 100) return String.format(Locale.ROOT, "%,.1f", value);
    return String.format(Locale.ROOT, "%.3f", value);
  }

  static String escape(String text) {
    if (text == null) return "";
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
