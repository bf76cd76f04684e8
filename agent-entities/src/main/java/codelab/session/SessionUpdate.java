package codelab.session;

import codelab.JsonSerializable;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a session tells its subscribers (the WebSocket connections, on any node). Updates that reflect
 * a persisted event carry its sequence number {@code seq}; deltas of a running turn carry the turn id
 * and their index within the turn instead.
 */
public sealed interface SessionUpdate extends JsonSerializable {

  /** The subscription is in place; {@code session} is the entity, to watch for hand-off or crash. */
  record Subscribed(ActorRef<Session.Command> session, String sessionId, String currentAgent, long lastSeq)
      implements SessionUpdate {}

  /** The session does not exist or belongs to someone else: both look the same to the caller. */
  record SubscriptionRefused(String reason) implements SessionUpdate {}

  record MessageAccepted(long seq, String operationId, String content) implements SessionUpdate {}

  record AssistantDelta(String turnId, int index, String token) implements SessionUpdate {}

  record AssistantMessage(long seq, String turnId, String content, Session.Usage usage) implements SessionUpdate {}

  record AgentSwitched(long seq, String fromAgent, String toAgent, String reason) implements SessionUpdate {}

  record TurnCompleted(long seq, String turnId) implements SessionUpdate {}

  record TurnFailed(long seq, String turnId, String error) implements SessionUpdate {}

  /** The client-visible form of a persisted event, if it has one. */
  static Optional<SessionUpdate> of(Session.Event event, long seq) {
    if (event instanceof Session.UserMessageAccepted e) {
      return Optional.of(new MessageAccepted(seq, e.operationId(), e.content()));
    } else if (event instanceof Session.AssistantReplied e) {
      return Optional.of(new AssistantMessage(seq, e.turnId(), e.content(), e.usage()));
    } else if (event instanceof Session.TurnCompleted e) {
      return Optional.of(new TurnCompleted(seq, e.turnId()));
    } else if (event instanceof Session.TurnFailed e) {
      return Optional.of(new TurnFailed(seq, e.turnId(), e.error()));
    } else if (event instanceof Session.AgentSwitched e) {
      return Optional.of(new AgentSwitched(seq, e.fromAgent(), e.toAgent(), e.reason()));
    }
    return Optional.empty();
  }

  /** The sequence number of a persisted update, or -1 for a delta or a control message. */
  static long seqOf(SessionUpdate update) {
    if (update instanceof MessageAccepted u) return u.seq();
    if (update instanceof AssistantMessage u) return u.seq();
    if (update instanceof AgentSwitched u) return u.seq();
    if (update instanceof TurnCompleted u) return u.seq();
    if (update instanceof TurnFailed u) return u.seq();
    return -1;
  }
}
