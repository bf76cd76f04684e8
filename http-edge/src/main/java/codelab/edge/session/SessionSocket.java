package codelab.edge.session;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.Authenticator;
import codelab.edge.auth.LoggedOutEverywhere;
import codelab.session.application.ApprovalDecisions;
import org.apache.pekko.actor.typed.pubsub.Topic;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.StreamSupport;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * {@code GET /api/v1/ws/{session_id}}: the upgrade (origin, token from the Authorization header or
 * the browser subprotocols {@code codelab.v1} + {@code bearer.<token>}, the session's owner) and the
 * stream that joins the socket to a {@link ClientConnection}.
 */
public final class SessionSocket extends AllDirectives {

  static final String SUBPROTOCOL = "codelab.v1";
  private static final String BEARER_SUBPROTOCOL_PREFIX = "bearer.";

  private final ActorSystem<?> system;
  private final Authenticator authenticator;
  private final EdgeSettings settings;
  private final SessionFeed feed;

  public SessionSocket(
      ActorSystem<?> system, Authenticator authenticator, EdgeSettings settings, ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut,
      ApprovalDecisions decisions) {
    this.system = system;
    this.authenticator = authenticator;
    this.settings = settings;
    this.feed = new SessionFeed(system, loggedOut, settings.socketBufferSize(), settings.askTimeout(), decisions);
  }

  public Route route() {
    return path(
        segment("api").slash("v1").slash("ws").slash(segment()),
        sessionId ->
            get(
                () ->
                    optionalHeaderValueByName(
                        "Origin",
                        origin -> {
                          if (origin.isPresent() && !settings.allowedOrigins().allows(origin.get())) {
                            return complete(ApiError.response(StatusCodes.FORBIDDEN, "forbidden", "origin not allowed"));
                          }
                          return extractWebSocketUpgrade(upgrade -> authenticate(upgrade, sessionId));
                        })));
  }

  private Route authenticate(WebSocketUpgrade upgrade, String sessionId) {
    return authenticator.authorizationHeader(
        header -> {
          Optional<String> subprotocolToken =
              StreamSupport.stream(upgrade.getRequestedProtocols().spliterator(), false)
                  .filter(p -> p.startsWith(BEARER_SUBPROTOCOL_PREFIX))
                  .map(p -> p.substring(BEARER_SUBPROTOCOL_PREFIX.length()))
                  .findFirst();
          Optional<String> token = header.flatMap(Authenticator::bearerToken).or(() -> subprotocolToken);
          Optional<AuthenticatedUser> user = token.flatMap(authenticator::verify);
          if (user.isEmpty()) {
            return complete(ApiError.response(StatusCodes.UNAUTHORIZED, "unauthorized", "a valid access token is required"));
          }
          return parameterOptional(
              "after_seq",
              afterSeq -> {
                Optional<Long> resumeAfter = afterSeq.flatMap(SessionFeed::afterSeq);
                if (afterSeq.isPresent() && resumeAfter.isEmpty()) {
                  return complete(ApiError.badRequest("after_seq must be a non-negative integer"));
                }
                return completeWithFuture(open(upgrade, sessionId, user.get(), resumeAfter));
              });
        });
  }

  /** Upgrades only for the session's owner; anyone else gets the same 404 as for a session that does not exist. */
  private CompletionStage<HttpResponse> open(
      WebSocketUpgrade upgrade, String sessionId, AuthenticatedUser user, Optional<Long> afterSeq) {
    return feed.isFollowable(sessionId, user.userId())
        .thenApply(
            followable -> {
              if (!followable) return ApiError.notFound("session");
              Flow<Message, Message, NotUsed> flow = connect(sessionId, user.userId(), afterSeq.orElse(Long.MAX_VALUE));
              boolean wantsSubprotocol =
                  StreamSupport.stream(upgrade.getRequestedProtocols().spliterator(), false).anyMatch(SUBPROTOCOL::equals);
              return wantsSubprotocol ? upgrade.handleMessagesWith(flow, SUBPROTOCOL) : upgrade.handleMessagesWith(flow);
            });
  }

  /**
   * The socket's stream; its connection is made when the stream runs, i.e. once the upgrade went
   * through. The socket's incoming frames go to the connection; when either side ends, so does the other.
   */
  private Flow<Message, Message, NotUsed> connect(String sessionId, String userId, long afterSeq) {
    return Flow.<Message, Message, NotUsed>fromMaterializer(
            (materializer, attributes) -> {
              SessionFeed.Opened opened = feed.open(materializer, sessionId, userId, afterSeq);
              Sink<Message, NotUsed> incoming =
                  Flow.<Message>create()
                      .mapAsync(1, this::readFrame)
                      .to(
                          ActorSink.<Frame, ClientConnection.Input, ClientConnection.FrameAck>actorRefWithBackpressure(
                              opened.connection(),
                              (ackTo, frame) -> new ClientConnection.ClientFrame(frame.text(), frame.problem(), ackTo),
                              ClientConnection.ClientStarted::new,
                              ClientConnection.FrameAck.INSTANCE,
                              ClientConnection.ClientClosed.INSTANCE,
                              failure -> ClientConnection.ClientClosed.INSTANCE));
              Source<Message, NotUsed> outgoing = opened.messages().map(message -> TextMessage.create(WireMessages.text(message)));
              return Flow.fromSinkAndSourceCoupled(incoming, outgoing);
            })
        .mapMaterializedValue(unused -> NotUsed.getInstance());
  }

  private record Frame(String text, String problem) {}

  /** Reads a whole text message (it may arrive in pieces), refusing binary and oversized ones. */
  private CompletionStage<Frame> readFrame(Message message) {
    if (!message.isText()) {
      message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), system);
      return CompletableFuture.completedFuture(new Frame(null, "binary messages are not supported; send JSON text"));
    }
    TextMessage text = message.asTextMessage();
    if (text.isStrict()) return CompletableFuture.completedFuture(checkSize(text.getStrictText()));
    int limit = settings.maxFrameBytes();
    // read to the end even past the limit (an unread message would stall the socket), keep at most the limit
    return text.getStreamedText()
        .runFold(
            new StringBuilder(),
            (sb, piece) -> sb.length() > limit ? sb : sb.append(piece),
            system)
        .thenApply(sb -> checkSize(sb.toString()));
  }

  private Frame checkSize(String text) {
    int limit = settings.maxFrameBytes();
    boolean tooLarge = text.length() > limit || (text.length() * 3L > limit && text.getBytes(StandardCharsets.UTF_8).length > limit);
    return tooLarge ? new Frame(null, "the message is larger than " + limit + " bytes") : new Frame(text, null);
  }
}
