package codelab.load.report;

import java.util.List;

/**
 * A chart for the HTML report: latency by percentile ({@link Kind#PERCENTILES}, x = percentile) or
 * a measure against a load level or time ({@link Kind#LINE}, x as given).
 */
public record Plot(String title, Kind kind, String xLabel, String yLabel, List<Series> series) {

  public enum Kind {
    PERCENTILES,
    LINE
  }

  /** One line: (x, y) points. */
  public record Series(String label, List<double[]> points) {}
}
