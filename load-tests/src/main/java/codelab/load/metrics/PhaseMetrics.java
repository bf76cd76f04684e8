package codelab.load.metrics;

import codelab.load.client.TurnRecord;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The turns of one measured phase (one path — the platform or the model directly — at one session
 * count) over a window of time.
 *
 * <p>Latency: turns sent within the window, to their end (also after it). Only plain turns that were
 * neither resumed nor asked for tools enter the latency figures, so that they compare like with like
 * against the baseline. Throughput: turns that ended, and deltas that arrived, within the window,
 * whenever they were sent — so that long turns do not skew the rate.
 */
public final class PhaseMetrics {

  private final Latency timeToFirstDelta = new Latency();
  private final Latency deltaGap = new Latency();
  private final Latency turnDuration = new Latency();
  private final AtomicLong turnsSent = new AtomicLong();
  private final AtomicLong toolTurnsSent = new AtomicLong();
  private final AtomicLong turnsEnded = new AtomicLong();
  private final AtomicLong deltasArrived = new AtomicLong();
  private volatile long start;
  private volatile long end = Long.MAX_VALUE;

  /** The measured window, in {@link System#nanoTime()}. */
  public void window(long startNanos, long endNanos) {
    start = startNanos;
    end = endNanos;
  }

  public void add(TurnRecord turn) {
    if (!turn.completed()) return;
    if (turn.endedAt() >= start && turn.endedAt() < end) turnsEnded.incrementAndGet();
    deltasArrived.addAndGet(arrivalsInWindow(turn));
    if (turn.sentAt() < start || turn.sentAt() >= end) return;
    turnsSent.incrementAndGet();
    if (turn.toolTurn()) {
      toolTurnsSent.incrementAndGet();
      return;
    }
    if (turn.resumed()) return;
    if (turn.firstDeltaAt() != 0) timeToFirstDelta.recordNanos(turn.timeToFirstDeltaNanos());
    turnDuration.recordNanos(turn.durationNanos());
    for (long gap : turn.gapsNanos()) deltaGap.recordNanos(gap);
  }

  /** A turn's delta arrival times are its first delta plus its gaps; a resumed turn's gaps are incomplete. */
  private long arrivalsInWindow(TurnRecord turn) {
    if (turn.firstDeltaAt() == 0) return 0;
    if (turn.resumed() || turn.gapsNanos().length != turn.deltas() - 1) {
      return turn.endedAt() >= start && turn.endedAt() < end ? turn.deltas() : 0;
    }
    long count = 0;
    long at = turn.firstDeltaAt();
    if (at >= start && at < end) count++;
    for (long gap : turn.gapsNanos()) {
      at += gap;
      if (at >= start && at < end) count++;
    }
    return count;
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

  /** Turns sent in the window that completed (the latency figures' population, tool turns included). */
  public long turnsSent() {
    return turnsSent.get();
  }

  public long toolTurnsSent() {
    return toolTurnsSent.get();
  }

  public double windowSeconds() {
    return (end - start) / 1e9;
  }

  public double turnsPerSecond() {
    return turnsEnded.get() / windowSeconds();
  }

  public double deltasPerSecond() {
    return deltasArrived.get() / windowSeconds();
  }
}
