package codelab.edge.session;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages waiting for one client's socket while it is busy writing. Consecutive deltas of a turn
 * wait as one delta: a client that reads as fast as its socket allows is never dropped for the pace
 * of the model, it just gets fewer, larger deltas. What cannot be merged counts against the limit;
 * past it the client is too slow ({@link ClientConnection.SubscriberTooSlow}) and gets resync.
 */
final class OutgoingFrames {

  private final int limit;
  private final List<ServerMessage> messages = new ArrayList<>();
  /** The run of deltas at the end, not yet in {@link #messages}. */
  private DeltaRun run;
  /** Offers that added a message of their own (a catch-up batch counts once, as in the queue before). */
  private int waiting;

  private OutgoingFrames(int limit) {
    this.limit = limit;
  }

  static OutgoingFrames of(List<ServerMessage> first, int limit) {
    return new OutgoingFrames(limit).add(first);
  }

  OutgoingFrames add(List<ServerMessage> offered) {
    boolean merged = !offered.isEmpty();
    for (ServerMessage message : offered) merged &= append(message);
    if (!merged && ++waiting > limit) throw new ClientConnection.SubscriberTooSlow();
    return this;
  }

  /** In the order they were offered, each run of deltas as one. */
  List<ServerMessage> messages() {
    if (run != null) messages.add(run.delta());
    return messages;
  }

  private boolean append(ServerMessage message) {
    if (message instanceof ServerMessage.AssistantDelta delta) {
      if (run != null && run.continuesWith(delta)) {
        run.append(delta);
        return true;
      }
      endRun();
      run = new DeltaRun(delta);
      return false;
    }
    endRun();
    messages.add(message);
    return false;
  }

  private void endRun() {
    if (run != null) messages.add(run.delta());
    run = null;
  }

  private static final class DeltaRun {
    private final String turnId;
    private final int index;
    private int count;
    private final StringBuilder text;

    DeltaRun(ServerMessage.AssistantDelta first) {
      turnId = first.turnId();
      index = first.index();
      count = first.deltas();
      text = new StringBuilder(first.token());
    }

    boolean continuesWith(ServerMessage.AssistantDelta next) {
      return next.turnId().equals(turnId) && next.index() == index + count;
    }

    void append(ServerMessage.AssistantDelta next) {
      count += next.deltas();
      text.append(next.token());
    }

    ServerMessage.AssistantDelta delta() {
      return new ServerMessage.AssistantDelta(turnId, index, text.toString(), count > 1 ? count : null);
    }
  }
}
