package codelab.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Who follows a session, on any node, and how one gets up to date: a subscriber that comes with an
 * old {@code after_seq} is caught up from the journal (read outside the entity, so the session goes
 * on meanwhile), then gets what is in flight, then live updates. {@link Subscribers} keeps the order.
 */
final class Subscriptions {

  private final ActorContext<Session.Command> context;
  private final PersistenceId persistenceId;
  private final String readJournalPluginId;
  private final Subscribers subscribers = new Subscribers();

  Subscriptions(ActorContext<Session.Command> context, PersistenceId persistenceId, String readJournalPluginId) {
    this.context = context;
    this.persistenceId = persistenceId;
    this.readJournalPluginId = readJournalPluginId;
  }

  boolean isEmpty() {
    return subscribers.size() == 0;
  }

  void refuse(ActorRef<SessionUpdate> subscriber) {
    subscriber.tell(new SessionUpdate.SubscriptionRefused(SessionError.NOT_FOUND.message(), false));
  }

  /** {@code deltasSoFar}: the running model call's deltas, which no journal holds. */
  void subscribe(SessionState state, long afterSeq, ActorRef<SessionUpdate> subscriber, List<SessionUpdate> deltasSoFar) {
    if (!subscribers.contains(subscriber)) context.watchWith(subscriber, new Session.SubscriberGone(subscriber));
    subscriber.tell(new SessionUpdate.Subscribed(context.getSelf(), state.sessionId(), state.currentAgent(), state.lastSeq()));
    if (afterSeq >= state.lastSeq()) {
      subscribers.addLive(subscriber);
      inFlight(state, afterSeq, deltasSoFar).forEach(subscriber::tell);
    } else {
      int generation = subscribers.addCatchingUp(subscriber, afterSeq);
      loadFromJournal(subscriber, generation, Math.max(0, afterSeq) + 1, state.lastSeq());
    }
  }

  private void loadFromJournal(ActorRef<SessionUpdate> subscriber, int generation, long fromSeq, long toSeq) {
    CurrentEventsByPersistenceIdQuery journal =
        PersistenceQuery.get(context.getSystem()).getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournalPluginId);
    context.pipeToSelf(
        journal
            .currentEventsByPersistenceId(persistenceId.id(), fromSeq, toSeq)
            .mapConcat(envelope -> SessionUpdate.of((Session.Event) envelope.event(), envelope.sequenceNr()).stream().toList())
            .runWith(Sink.seq(), context.getSystem()),
        (updates, failure) -> {
          if (failure != null) {
            context.getLog().warn("{}: cannot read the journal for a subscriber: {}", persistenceId.id(), failure.toString());
            // the subscriber cannot be brought up to date: drop it; it reconnects and tries again
            subscriber.tell(new SessionUpdate.SubscriptionRefused("the session's history cannot be read right now; reconnect", true));
            return new Session.SubscriberGone(subscriber);
          }
          return new Session.CatchUpLoaded(subscriber, generation, updates);
        });
  }

  void catchUpLoaded(SessionState state, Session.CatchUpLoaded loaded, List<SessionUpdate> deltasSoFar) {
    long afterSeq = subscribers.catchUpStart(loaded.subscriber());
    subscribers.completeCatchUp(loaded.subscriber(), loaded.generation(), loaded.updates(), inFlight(state, afterSeq, deltasSoFar));
  }

  void gone(ActorRef<SessionUpdate> subscriber) {
    if (subscribers.contains(subscriber)) {
      subscribers.remove(subscriber);
      context.unwatch(subscriber);
    }
  }

  void publish(SessionUpdate update) {
    subscribers.publish(update);
  }

  /** Tells subscribers about events just persisted; {@code newState} is the state after the last of them. */
  void publish(List<Session.Event> events, SessionState newState) {
    long seq = newState.lastSeq() - events.size() + 1;
    for (Session.Event event : events) SessionUpdate.of(event, seq++).ifPresent(subscribers::publish);
  }

  /**
   * What a (re)subscribing client needs beyond the journal: the running model call's deltas so far,
   * and the calls still waiting that it saw before ({@code seq <= afterSeq}) but may not have run.
   */
  private static List<SessionUpdate> inFlight(SessionState state, long afterSeq, List<SessionUpdate> deltasSoFar) {
    List<SessionUpdate> updates = new ArrayList<>(deltasSoFar);
    if (!state.hasRunningTurn()) return updates;
    Map<String, SessionState.Approval> approvals = new HashMap<>();
    state.approvals().forEach(a -> approvals.put(a.callId(), a));
    for (SessionState.PendingCall pending : state.turn().pending()) {
      if (pending.seq() > afterSeq) continue;
      Session.ToolCall call = pending.call();
      // a running plan is the server's call: its progress is in the plan's own updates
      if (!pending.awaitingApproval() && PlanDraft.isPlan(call.toolName())) continue;
      updates.add(new SessionUpdate.ToolCallRequested(
          pending.seq(), state.turn().turnId(), call.callId(), call.toolName(), call.argumentsJson(), pending.awaitingApproval(), true));
      SessionState.Approval approval = approvals.get(call.callId());
      if (pending.awaitingApproval() && approval != null) {
        updates.add(new SessionUpdate.ApprovalRequired(
            approval.seq(), call.callId(), call.toolName(), call.argumentsJson(), approval.reason(), approval.deadline(), true));
      }
    }
    return updates;
  }
}
