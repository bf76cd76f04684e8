package codelab.edge.session;

import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.LoggedOutEverywhere;
import codelab.session.application.ApprovalDecisions;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /api/v1/sessions/{id}/stream}: the session's server messages as the WebSocket sends
 * them, for clients that cannot hold a socket (curl, scripts, server-side integrations), as
 * server-sent events or NDJSON ({@link StreamFormat}). It follows the session like a socket does and
 * resumes the same way, after {@code Last-Event-ID} or {@code after_seq}; it only listens, commands go
 * over REST.
 */
public final class SessionStream extends AllDirectives {

  /** Below common proxy idle timeouts (often 30 or 60 s) and the server's own. */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final SessionFeed feed;

  public SessionStream(
      ActorSystem<?> system, EdgeSettings settings, ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut, ApprovalDecisions decisions) {
    this.feed = new SessionFeed(system, loggedOut, settings.socketBufferSize(), settings.askTimeout(), decisions);
  }

  Route route(AuthenticatedUser user, String sessionId) {
    return parameterOptional(
        "after_seq",
        afterSeqParameter ->
            optionalHeaderValueByName(
                "Last-Event-ID",
                lastEventId ->
                    optionalHeaderValueByName(
                        "Accept",
                        accept -> {
                          // an EventSource reconnects to the same URL with Last-Event-ID: that is the later point
                          Optional<String> resumePoint = lastEventId.filter(id -> !id.isBlank()).or(() -> afterSeqParameter);
                          Optional<Long> afterSeq = resumePoint.flatMap(SessionFeed::afterSeq);
                          if (resumePoint.isPresent() && afterSeq.isEmpty()) {
                            return complete(ApiError.badRequest("after_seq and Last-Event-ID must be a non-negative integer"));
                          }
                          StreamFormat format = StreamFormat.accepted(accept);
                          return completeWithFuture(
                              feed.isFollowable(sessionId, user.userId())
                                  .thenApply(
                                      followable ->
                                          followable
                                              ? response(sessionId, user.userId(), afterSeq.orElse(Long.MAX_VALUE), format)
                                              : ApiError.notFound("session")));
                        })));
  }

  private HttpResponse response(String sessionId, String userId, long afterSeq, StreamFormat format) {
    Source<ByteString, NotUsed> body =
        Source.fromMaterializer((materializer, attributes) -> following(feed.open(materializer, sessionId, userId, afterSeq)))
            .mapMaterializedValue(unused -> NotUsed.getInstance())
            .map(format::encode)
            .keepAlive(KEEP_ALIVE, format::keepAlive);
    return HttpResponse.create().withEntity(HttpEntities.createChunked(format.contentType(), body));
  }

  /**
   * The feed's messages; however the stream ends (the client went away, resync, a refused
   * subscription) its connection stops, and the session, which watches it, lets go of it.
   */
  private static Source<ServerMessage, NotUsed> following(SessionFeed.Opened opened) {
    return opened.messages()
        .watchTermination(
            (notUsed, done) -> {
              done.whenComplete((ended, failure) -> opened.connection().tell(ClientConnection.ClientClosed.INSTANCE));
              return notUsed;
            });
  }
}
