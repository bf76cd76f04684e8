package codelab.load.client;

/**
 * What one client measured of one turn, by {@link System#nanoTime()} on the client: sent, first
 * delta, every gap between consecutive deltas, and the end of the turn.
 *
 * @param toolTurn the turn asked for a tool (its first delta comes after the tool's round trip)
 * @param resumed the client lost its connection during the turn and resumed it: its timing is not comparable
 * @param outcome how the turn ended
 * @param sentAt when the client sent the message (user_message, or the baseline's request)
 * @param firstDeltaAt the first assistant_delta (0 if none)
 * @param endedAt turn_completed / turn_failed (or the end of the baseline's stream)
 * @param deltas how many new deltas the client received
 * @param gapsNanos the time between each two consecutive deltas received on one connection
 */
public record TurnRecord(
    boolean toolTurn, boolean resumed, Outcome outcome, long sentAt, long firstDeltaAt, long endedAt, int deltas, long[] gapsNanos) {

  public enum Outcome {
    COMPLETED,
    FAILED,
    TIMED_OUT
  }

  public boolean completed() {
    return outcome == Outcome.COMPLETED;
  }

  public long timeToFirstDeltaNanos() {
    return firstDeltaAt == 0 ? -1 : firstDeltaAt - sentAt;
  }

  public long durationNanos() {
    return endedAt - sentAt;
  }
}
