package codelab.load.report;


import java.util.Locale;

/**
 * Draws a {@link Plot} as inline SVG (no script, no external file): the report stays one
 * self-contained HTML page. Percentile plots use HdrHistogram's x axis — 0, 90, 99, 99.9 … % spaced
 * evenly — where tail latency is visible instead of squeezed against the right edge.
 */
final class SvgChart {

  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  private static final int WIDTH = 560;
  private static final int HEIGHT = 300;
  private static final int LEFT = 60;
  private static final int RIGHT = 20;
  private static final int TOP = 30;
  private static final int BOTTOM = 60;
  private static final double MAX_NINES = 5;

  private SvgChart() {}

  static String render(Plot plot) {
    boolean percentiles = plot.kind() == Plot.Kind.PERCENTILES;
    double xMin = percentiles ? 0 : Double.MAX_VALUE;
    double xMax = percentiles ? MAX_NINES : -Double.MAX_VALUE;
    double yMax = 0;
    for (Plot.Series series : plot.series()) {
      for (double[] p : series.points()) {
        if (!percentiles) {
          xMin = Math.min(xMin, p[0]);
          xMax = Math.max(xMax, p[0]);
        }
        if (!Double.isNaN(p[1])) yMax = Math.max(yMax, p[1]);
      }
    }
    if (xMin == Double.MAX_VALUE) {
      xMin = 0;
      xMax = 1;
    }
    if (xMax <= xMin) xMax = xMin + 1;
    double yStep = niceStep(yMax > 0 ? yMax / 5 : 1);
    double yTop = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    final double x0 = xMin;
    final double xSpan = xMax - xMin;

    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" class=\"chart\">",
        WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append(text(WIDTH / 2.0, 18, plot.title(), "middle", "title"));
    // y grid and labels
    for (double y = 0; y <= yTop + yStep / 2; y += yStep) {
      double py = TOP + plotHeight - y / yTop * plotHeight;
      svg.append(line(LEFT, py, LEFT + plotWidth, py, "#e5e5e5"));
      svg.append(text(LEFT - 6, py + 4, format(y), "end", "tick"));
    }
    // x grid and labels
    if (percentiles) {
      String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "max"};
      for (int i = 0; i <= MAX_NINES; i++) {
        double px = LEFT + i / MAX_NINES * plotWidth;
        svg.append(line(px, TOP, px, TOP + plotHeight, "#e5e5e5"));
        svg.append(text(px, TOP + plotHeight + 16, labels[i], "middle", "tick"));
      }
    } else {
      double xStep = niceStep(xSpan / 6);
      for (double x = Math.ceil(xMin / xStep) * xStep; x <= xMax + xStep / 1000; x += xStep) {
        double px = LEFT + (x - x0) / xSpan * plotWidth;
        svg.append(line(px, TOP, px, TOP + plotHeight, "#e5e5e5"));
        svg.append(text(px, TOP + plotHeight + 16, format(x), "middle", "tick"));
      }
    }
    svg.append(line(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight, "#444"));
    svg.append(line(LEFT, TOP, LEFT, TOP + plotHeight, "#444"));
    svg.append(text(LEFT + plotWidth / 2, TOP + plotHeight + 32, plot.xLabel(), "middle", "axis"));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" class=\"axis\" transform=\"rotate(-90 14 %.1f)\">%s</text>",
        TOP + plotHeight / 2, TOP + plotHeight / 2, HtmlReport.escape(plot.yLabel())));

    // series
    int legendX = LEFT;
    for (int s = 0; s < plot.series().size(); s++) {
      Plot.Series series = plot.series().get(s);
      String color = COLORS[s % COLORS.length];
      StringBuilder points = new StringBuilder();
      for (double[] p : series.points()) {
        if (Double.isNaN(p[1])) continue;
        double x = percentiles ? nines(p[0]) : p[0];
        double px = LEFT + (x - x0) / xSpan * plotWidth;
        double py = TOP + plotHeight - Math.min(p[1], yTop) / yTop * plotHeight;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
      }
      svg.append(String.format(Locale.ROOT,
          "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>", color, points.toString().trim()));
      for (String point : points.toString().trim().split(" ")) {
        if (point.isEmpty()) continue;
        String[] xy = point.split(",");
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>", xy[0], xy[1], color));
      }
      double ly = HEIGHT - 10;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"4\" fill=\"%s\"/>", legendX, ly - 4, color));
      svg.append(text(legendX + 16, ly, series.label(), "start", "legend"));
      legendX += 24 + series.label().length() * 6;
    }
    svg.append("</svg>");
    return svg.toString();
  }

  /** 0 % → 0, 90 % → 1, 99 % → 2 …, the maximum → 5. */
  static double nines(double percentile) {
    double rest = Math.max(Math.pow(10, -MAX_NINES), 1 - percentile / 100);
    return Math.min(MAX_NINES, -Math.log10(rest));
  }

  private static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double normal = raw / magnitude;
    double nice = normal <= 1 ? 1 : normal <= 2 ? 2 : normal <= 5 ? 5 : 10;
    return nice * magnitude;
  }

  private static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e9) return String.valueOf((long) value);
    return String.format(Locale.ROOT, "%.3g", value);
  }

  private static String line(double x1, double y1, double x2, double y2, String color) {
    return String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>", x1, y1, x2, y2, color);
  }

  private static String text(double x, double y, String text, String anchor, String cssClass) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">%s</text>",
        x, y, anchor, cssClass, HtmlReport.escape(text));
  }

}
