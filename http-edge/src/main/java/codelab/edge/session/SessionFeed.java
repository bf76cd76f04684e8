package codelab.edge.session;

import codelab.edge.auth.LoggedOutEverywhere;
import codelab.session.Session;
import codelab.session.application.ApprovalDecisions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What one client following a session receives, whatever carries it (a WebSocket, an event stream):
 * a {@link ClientConnection} on this node subscribes to the session wherever it lives and hands the
 * server messages over; they wait in {@link OutgoingFrames} while the client is busy, and a client
 * that fell too far behind gets {@code resync} as the last message.
 */
final class SessionFeed {

  /**
   * The queue between the connection actor and the client's stream only hands messages over: the
   * stream takes them as fast as it runs ({@link OutgoingFrames} holds and bounds what waits for a
   * slow client), so this bound is only reached when the stream is not scheduled for a while, on a
   * busy machine, while the model streams at full pace. It is linked, not preallocated.
   */
  private static final int HAND_OVER_CAPACITY = 16_384;

  /** A client's feed as it runs: its connection actor (for the incoming side, if any) and the messages to send. */
  record Opened(ActorRef<ClientConnection.Input> connection, Source<ServerMessage, NotUsed> messages) {}

  private final ActorSystem<?> system;
  private final ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut;
  private final int bufferSize;
  private final Duration askTimeout;
  private final ApprovalDecisions decisions;

  SessionFeed(
      ActorSystem<?> system, ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut, int bufferSize, Duration askTimeout,
      ApprovalDecisions decisions) {
    this.system = system;
    this.loggedOut = loggedOut;
    this.bufferSize = bufferSize;
    this.askTimeout = askTimeout;
    this.decisions = decisions;
  }

  /** Only the session's owner follows it; for anyone else it is the same as a session that does not exist. */
  CompletionStage<Boolean> isFollowable(String sessionId, String userId) {
    if (!SessionRoutes.isSessionId(sessionId)) return CompletableFuture.completedFuture(false);
    return Session.entityRef(system, sessionId)
        .<StatusReply<Session.Summary>>ask(replyTo -> new Session.GetSummary(userId, replyTo), askTimeout)
        .thenApply(StatusReply::isSuccess);
  }

  /**
   * Starts the connection that follows the session after {@code afterSeq} ({@code Long.MAX_VALUE}:
   * from now); called when the client's stream is materialized, so nothing runs for a refused request.
   */
  Opened open(Materializer materializer, String sessionId, String userId, long afterSeq) {
    return open(materializer, sessionId, userId, afterSeq, ClientProfile.STANDARD, null);
  }

  /** {@code profile}: which frames the client gets (the CodeLab IDE reads only some, in its own way). */
  Opened open(Materializer materializer, String sessionId, String userId, long afterSeq, ClientProfile profile, String traceId) {
    Pair<BoundedSourceQueue<List<ServerMessage>>, Source<List<ServerMessage>, NotUsed>> outgoing =
        Source.<List<ServerMessage>>queue(HAND_OVER_CAPACITY).preMaterialize(materializer);
    ActorRef<ClientConnection.Input> connection =
        system.systemActorOf(
            ClientConnection.create(Session.entityRef(system, sessionId), userId, afterSeq, outgoing.first(), loggedOut, decisions, profile, traceId),
            "connection-" + UUID.randomUUID(),
            Props.empty());
    ConnectionMeters.opened();
    Source<ServerMessage, NotUsed> messages = endingInResync(outgoing.second(), bufferSize)
        .watchTermination((notUsed, done) -> {
          done.whenComplete((ended, failure) -> ConnectionMeters.closed());
          return notUsed;
        });
    return new Opened(connection, messages);
  }

  /**
   * The messages to a client, taken as fast as it reads them (what waits meanwhile is merged,
   * {@link OutgoingFrames}); when it fell too far behind, the last one is {@code resync}.
   */
  static Source<ServerMessage, NotUsed> endingInResync(Source<List<ServerMessage>, NotUsed> messages, int limit) {
    return messages
        .conflateWithSeed(first -> OutgoingFrames.of(first, limit), OutgoingFrames::add)
        .mapConcat(OutgoingFrames::messages)
        .recover(
            new PFBuilder<Throwable, ServerMessage>()
                .match(ClientConnection.SubscriberTooSlow.class, e -> WireMessages.resync(e.getMessage()))
                .build());
  }

  /** A resume point as a client writes it ({@code after_seq}, {@code Last-Event-ID}): a non-negative integer. */
  static Optional<Long> afterSeq(String value) {
    try {
      long parsed = Long.parseLong(value.strip());
      return parsed >= 0 ? Optional.of(parsed) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
