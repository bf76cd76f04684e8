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

  private static final class Subscription {
    boolean catchingUp;
    long afterSeq;
    final List<SessionUpdate> heldBack = new ArrayList<>();
  }

  private final Map<ActorRef<SessionUpdate>, Subscription> subscriptions = new HashMap<>();

  void addLive(ActorRef<SessionUpdate> subscriber) {
    subscriptions.put(subscriber, new Subscription());
  }

  void addCatchingUp(ActorRef<SessionUpdate> subscriber, long afterSeq) {
    Subscription subscription = new Subscription();
    subscription.catchingUp = true;
    subscription.afterSeq = afterSeq;
    subscriptions.put(subscriber, subscription);
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
      ActorRef<SessionUpdate> subscriber, List<SessionUpdate> fromJournal, List<SessionUpdate> inFlight) {
    Subscription subscription = subscriptions.get(subscriber);
    if (subscription == null || !subscription.catchingUp) return;
    long delivered = 0;
    for (SessionUpdate update : fromJournal) {
      subscriber.tell(update);
      delivered = Math.max(delivered, SessionUpdate.seqOf(update));
    }
    for (SessionUpdate update : subscription.heldBack) {
      if (SessionUpdate.seqOf(update) > delivered) subscriber.tell(update);
    }
    inFlight.forEach(subscriber::tell);
    subscription.heldBack.clear();
    subscription.catchingUp = false;
  }
}
