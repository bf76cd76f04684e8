package codelab.load.metrics;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A latency distribution in microseconds (HdrHistogram, 3 significant digits, 1 µs to 1 h), recorded
 * from many client threads at once without locks.
 */
public final class Latency {

  /** The percentiles a report plots: evenly in "nines", where latency problems show. */
  public static final double[] PLOT_PERCENTILES = {
      0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5, 99.7, 99.9, 99.95, 99.99, 100};

  private final Histogram histogram = new ConcurrentHistogram(1, 3_600_000_000L, 3);

  public void recordNanos(long nanos) {
    histogram.recordValue(Math.max(1, Math.min(3_600_000_000L, Math.round(nanos / 1000.0))));
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** The value at a percentile (0–100), in milliseconds; NaN when nothing was recorded. */
  public double percentileMs(double percentile) {
    if (histogram.getTotalCount() == 0) return Double.NaN;
    return histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  public double meanMs() {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMean() / 1000.0;
  }

  public double maxMs() {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
  }

  /** (percentile, milliseconds) pairs for a percentile plot. */
  public List<double[]> curve() {
    List<double[]> points = new ArrayList<>();
    if (histogram.getTotalCount() == 0) return points;
    for (double p : PLOT_PERCENTILES) points.add(new double[] {p, percentileMs(p)});
    return points;
  }
}
