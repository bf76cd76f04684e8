package codelab.load.client;

import java.util.BitSet;

/**
 * The persisted {@code seq} values one client saw, over all its connections to one session: each
 * must come once, in increasing order per connection, and a resume with {@code after_seq} must neither
 * repeat nor skip any (skips are found afterwards by {@link SeqAudit} against a full replay).
 */
final class SeqLedger {

  private final BitSet seen = new BitSet();
  private long floor = -1;
  private long highest;

  /** The session's last seq when the client first connected (live from there on). */
  void floor(long lastSeq) {
    if (floor < 0) {
      floor = lastSeq;
      highest = Math.max(highest, lastSeq);
    }
  }

  long floor() {
    return Math.max(0, floor);
  }

  /** The resume point: the highest seq seen (or the floor). */
  long highest() {
    return highest;
  }

  BitSet seen() {
    return (BitSet) seen.clone();
  }

  /**
   * Accounts one persisted message on a connection whose highest seq so far is {@code connectionLast};
   * returns the connection's new highest.
   */
  long accept(long connectionLast, long seq, Violations violations) {
    if (seq <= 0 || seq > Integer.MAX_VALUE) {
      violations.unexpectedMessages.increment();
      return connectionLast;
    }
    if (seq <= connectionLast) {
      if (seen.get((int) seq)) violations.seqDuplicated.increment();
      else violations.seqOutOfOrder.increment();
      seen.set((int) seq);
      return connectionLast;
    }
    if (seen.get((int) seq) || seq <= floor) {
      // seen on an earlier connection and sent again: the resume did not start after the client's seq
      violations.seqDuplicated.increment();
    }
    seen.set((int) seq);
    highest = Math.max(highest, seq);
    return seq;
  }
}
