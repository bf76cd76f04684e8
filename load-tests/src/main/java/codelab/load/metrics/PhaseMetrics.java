package codelab.load.metrics;

import codelab.load.client.TurnRecord;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * The turns of one measured phase (one path — the platform or the model directly — at one session
 * count): latency distributions and throughput. Only plain turns that were neither resumed nor asked
 * for tools enter the latency figures, so that they compare like with like against the baseline.
 */
public final class PhaseMetrics {

  private final Latency timeToFirstDelta = new Latency();
  private final Latency deltaGap = new Latency();
  private final Latency turnDuration = new Latency();
  private final AtomicLong turns = new AtomicLong();
  private final AtomicLong toolTurns = new AtomicLong();
  private final AtomicLong deltas = new AtomicLong();
  private final LongAccumulator lastEnd = new LongAccumulator(Math::max, Long.MIN_VALUE);
  private volatile long start;

  /** The start of the measured window ({@link System#nanoTime()}); rates are over the time since. */
  public void startAt(long nanoTime) {
    start = nanoTime;
  }

  public void add(TurnRecord turn) {
    if (!turn.completed()) return;
    turns.incrementAndGet();
    deltas.addAndGet(turn.deltas());
    lastEnd.accumulate(turn.endedAt());
    if (turn.toolTurn()) {
      toolTurns.incrementAndGet();
      return;
    }
    if (turn.resumed()) return;
    if (turn.firstDeltaAt() != 0) timeToFirstDelta.recordNanos(turn.timeToFirstDeltaNanos());
    turnDuration.recordNanos(turn.durationNanos());
    for (long gap : turn.gapsNanos()) deltaGap.recordNanos(gap);
  }

  public Latency timeToFirstDelta() {
    return timeToFirstDelta;
  }

  public Latency deltaGap() {
    return deltaGap;
  }

  public Latency turnDuration() {
    return turnDuration;
  }

  public long turns() {
    return turns.get();
  }

  public long toolTurns() {
    return toolTurns.get();
  }

  public long deltas() {
    return deltas.get();
  }

  /** From the window's start to the end of the last recorded turn. */
  public double elapsedSeconds() {
    long end = lastEnd.get();
    return end == Long.MIN_VALUE ? 0 : (end - start) / 1e9;
  }

  public double turnsPerSecond() {
    double s = elapsedSeconds();
    return s <= 0 ? 0 : turns() / s;
  }

  public double deltasPerSecond() {
    double s = elapsedSeconds();
    return s <= 0 ? 0 : deltas() / s;
  }
}
