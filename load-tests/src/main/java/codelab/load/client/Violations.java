package codelab.load.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What went wrong, counted over all clients of a run. {@link #integrity()} are the protocol's promises
 * (every delta once, in order, adding up to the final message; every persisted {@code seq} once, in
 * order, none missing after a resume): each must be 0. {@link #health()} counts failures that are not
 * broken promises but make a run's figures suspect (failed turns, dropped sockets, errors); they
 * should be 0 too.
 */
public final class Violations {

  // integrity
  final LongAdder deltasLost = new LongAdder();
  final LongAdder deltasDuplicated = new LongAdder();
  final LongAdder deltasOutOfOrder = new LongAdder();
  final LongAdder contentMismatches = new LongAdder();
  final LongAdder replayMismatches = new LongAdder();
  final LongAdder seqDuplicated = new LongAdder();
  final LongAdder seqOutOfOrder = new LongAdder();
  final LongAdder seqLost = new LongAdder();
  final LongAdder seqUnknown = new LongAdder();
  // health
  final LongAdder turnsFailed = new LongAdder();
  final LongAdder turnsTimedOut = new LongAdder();
  final LongAdder protocolErrors = new LongAdder();
  final LongAdder unexpectedMessages = new LongAdder();
  final LongAdder unexpectedDisconnects = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder resyncs = new LongAdder();
  final LongAdder auditsIncomplete = new LongAdder();
  /** The first few distinct problems in the server's words (turn_failed, error), for the report. */
  private final List<String> samples = new ArrayList<>();
  private static final int MAX_SAMPLES = 10;

  /** The counters that must be 0: lost, duplicated or out-of-order deltas and seq values. */
  public Map<String, Long> integrity() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("deltas_lost", deltasLost.sum());
    counts.put("deltas_duplicated", deltasDuplicated.sum());
    counts.put("deltas_out_of_order", deltasOutOfOrder.sum());
    counts.put("delta_text_mismatches", contentMismatches.sum());
    counts.put("replayed_delta_mismatches", replayMismatches.sum());
    counts.put("seq_duplicated", seqDuplicated.sum());
    counts.put("seq_out_of_order", seqOutOfOrder.sum());
    counts.put("seq_lost", seqLost.sum());
    counts.put("seq_not_in_journal", seqUnknown.sum());
    return counts;
  }

  public Map<String, Long> health() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("turns_failed", turnsFailed.sum());
    counts.put("turns_timed_out", turnsTimedOut.sum());
    counts.put("error_messages", protocolErrors.sum());
    counts.put("unexpected_messages", unexpectedMessages.sum());
    counts.put("unexpected_disconnects", unexpectedDisconnects.sum());
    counts.put("connect_failures", connectFailures.sum());
    counts.put("resyncs", resyncs.sum());
    counts.put("seq_audits_incomplete", auditsIncomplete.sum());
    return counts;
  }

  public boolean integrityHolds() {
    return integrity().values().stream().allMatch(v -> v == 0);
  }

  public void connectFailed() {
    connectFailures.increment();
  }

  /** Keeps a problem's description if it is new and there is room; a report shows what went wrong, not only how often. */
  void sample(String problem) {
    synchronized (samples) {
      if (samples.size() < MAX_SAMPLES && !samples.contains(problem)) samples.add(problem);
    }
  }

  public List<String> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** A turn the client could not even run (its request failed): counted with the failed turns. */
  public void turnFailedOnClient() {
    turnsFailed.increment();
  }
}
