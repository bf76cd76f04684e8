package codelab.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The connections that follow a session, and the order they see things in. A subscriber that joins
 * with an old {@code after_seq} first catches up from the journal; until then persisted updates are
 * held back for it and live deltas skipped (the running turn's partial text is sent once the catch-up
 * is delivered), so it sees every persisted update exactly once and in {@code seq} order.
 */
final class Subscribers {

  /** Journal updates go to a subscriber in batches of this size: one frame budget each at the socket. */
  static final int BATCH = 100;

  private static final class Subscription {
    boolean catchingUp;
    long afterSeq;
    /** Which subscription a catch-up belongs to: a client that subscribes again supersedes the earlier load. */
    int generation;
    final List<SessionUpdate> heldBack = new ArrayList<>();
  }

  private final Map<ActorRef<SessionUpdate>, Subscription> subscriptions = new HashMap<>();

  void addLive(ActorRef<SessionUpdate> subscriber) {
    subscriptions.put(subscriber, new Subscription());
  }

  /** Returns the generation the catch-up must quote when it completes. */
  int addCatchingUp(ActorRef<SessionUpdate> subscriber, long afterSeq) {
    Subscription previous = subscriptions.get(subscriber);
    Subscription subscription = new Subscription();
    subscription.catchingUp = true;
    subscription.afterSeq = afterSeq;
    subscription.generation = previous == null ? 0 : previous.generation + 1;
    subscriptions.put(subscriber, subscription);
    return subscription.generation;
  }

  boolean contains(ActorRef<SessionUpdate> subscriber) {
    return subscriptions.containsKey(subscriber);
  }

  /** The {@code after_seq} a catching-up subscriber asked for. */
  long catchUpStart(ActorRef<SessionUpdate> subscriber) {
    Subscription subscription = subscriptions.get(subscriber);
    return subscription == null ? Long.MAX_VALUE : subscription.afterSeq;
  }

  void remove(ActorRef<SessionUpdate> subscriber) {
    subscriptions.remove(subscriber);
  }

  int size() {
    return subscriptions.size();
  }

  void publish(SessionUpdate update) {
    boolean persisted = SessionUpdate.seqOf(update) > 0;
    subscriptions.forEach(
        (subscriber, subscription) -> {
          if (!subscription.catchingUp) subscriber.tell(update);
          else if (persisted) subscription.heldBack.add(update);
        });
  }

  /**
   * Delivers what the journal had for a subscriber, then what was held back while reading it (minus
   * what the journal already covered), then what is in flight (the running turn's partial text, its unanswered calls); from then on it is live.
   */
  void completeCatchUp(
      ActorRef<SessionUpdate> subscriber, int generation, List<SessionUpdate> fromJournal, List<SessionUpdate> inFlight) {
    Subscription subscription = subscriptions.get(subscriber);
    if (subscription == null || !subscription.catchingUp || subscription.generation != generation) return;
    long delivered = 0;
    for (int from = 0; from < fromJournal.size(); from += BATCH) {
      subscriber.tell(new SessionUpdate.Batch(List.copyOf(fromJournal.subList(from, Math.min(fromJournal.size(), from + BATCH)))));
    }
    for (SessionUpdate update : fromJournal) delivered = Math.max(delivered, SessionUpdate.seqOf(update));
    for (SessionUpdate update : subscription.heldBack) {
      if (SessionUpdate.seqOf(update) > delivered) subscriber.tell(update);
    }
    inFlight.forEach(subscriber::tell);
    subscription.heldBack.clear();
    subscription.catchingUp = false;
  }
}
