package codelab.edge.session;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.edge.ApiError;
import codelab.edge.EdgeSettings;
import codelab.edge.RequestTracing;
import codelab.edge.auth.AuthenticatedUser;
import codelab.edge.auth.Authenticator;
import codelab.edge.auth.LoggedOutEverywhere;
import codelab.Refusal;
import codelab.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *
 * <p>The CodeLab IDE is served as it expects ({@link ClientProfile#CODELAB_IDE}): a socket without
 * our subprotocol whose token was issued to the IDE's client id, or one with no token at all, which
 * the IDE opens; such a socket may join a session the IDE created only where the operator allows it
 * ({@link CodeLabIdeSettings#tokenlessSockets()}), and is told why not otherwise.
 */
public final class SessionSocket extends AllDirectives {

  static final String SUBPROTOCOL = "codelab.v1";
  private static final String BEARER_SUBPROTOCOL_PREFIX = "bearer.";

  private final ActorSystem<?> system;
  private final Authenticator authenticator;
  private final EdgeSettings settings;
  private static final Logger log = LoggerFactory.getLogger(SessionSocket.class);

  private final SessionFeed feed;
  private final CodeLabIdeSettings ide;

  public SessionSocket(
      ActorSystem<?> system, Authenticator authenticator, EdgeSettings settings, ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut,
      ApprovalDecisions decisions, CodeLabIdeSettings ide) {
    this.system = system;
    this.authenticator = authenticator;
    this.settings = settings;
    this.ide = ide;
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
    return optionalHeaderValueByName(RequestTracing.HEADER, traceId -> authenticator.authorizationHeader(
        header -> {
          Optional<String> subprotocolToken =
              StreamSupport.stream(upgrade.getRequestedProtocols().spliterator(), false)
                  .filter(p -> p.startsWith(BEARER_SUBPROTOCOL_PREFIX))
                  .map(p -> p.substring(BEARER_SUBPROTOCOL_PREFIX.length()))
                  .findFirst();
          Optional<String> token = header.flatMap(Authenticator::bearerToken).or(() -> subprotocolToken);
          boolean ours = StreamSupport.stream(upgrade.getRequestedProtocols().spliterator(), false).anyMatch(SUBPROTOCOL::equals);
          if (token.isEmpty() && !ours) return tokenless(upgrade, sessionId, traceId.orElse(null));
          Optional<AuthenticatedUser> user = token.flatMap(authenticator::verify);
          if (user.isEmpty()) {
            return complete(ApiError.response(StatusCodes.UNAUTHORIZED, "unauthorized", "a valid access token is required"));
          }
          ClientProfile profile = !ours && ide.isIde(user.get().clientId()) ? ClientProfile.CODELAB_IDE : ClientProfile.STANDARD;
          return parameterOptional(
              "after_seq",
              afterSeq -> {
                Optional<Long> resumeAfter = afterSeq.flatMap(SessionFeed::afterSeq);
                if (afterSeq.isPresent() && resumeAfter.isEmpty()) {
                  return complete(ApiError.badRequest("after_seq must be a non-negative integer"));
                }
                return completeWithFuture(open(upgrade, sessionId, user.get().userId(), resumeAfter, profile, ours, traceId.orElse(null)));
              });
        }));
  }

  /**
   * A socket with no token and without our subprotocol: the CodeLab IDE's. Where the operator allows
   * it, it joins a session the IDE created, for the session's owner; the session's unguessable id is
   * the credential, so each such join is logged as a security event. Otherwise, and for any other
   * session, it is told why in a frame the IDE shows, and closed.
   */
  private Route tokenless(WebSocketUpgrade upgrade, String sessionId, String traceId) {
    if (!ide.tokenlessSockets()) {
      return complete(told(upgrade, "unauthorized",
          "This server needs a sign-in on the chat socket. Ask its operator to allow the CodeLab IDE's sockets (CODELAB_IDE_TOKENLESS_SOCKETS=on)."));
    }
    if (!SessionRoutes.isSessionId(sessionId)) return complete(told(upgrade, "not_found", "session not found"));
    return extractClientIP(address -> completeWithFuture(
        Session.entityRef(system, sessionId)
            .<Session.Summary>askWithStatus(replyTo -> new Session.JoinWithoutToken(ide.clientIds(), replyTo), settings.askTimeout())
            .thenCompose(session -> {
              log.warn("SECURITY tokenless socket joined session {} as its owner {} from {} (codelab-ide.tokenless-sockets is on)",
                  sessionId, session.ownerId(), address.getAddress().map(java.net.InetAddress::getHostAddress).orElse("unknown"));
              return open(upgrade, sessionId, session.ownerId(), Optional.empty(), ClientProfile.CODELAB_IDE, false, traceId);
            })
            .exceptionally(failure -> Refusal.reason(failure).isPresent()
                ? told(upgrade, "not_found", "session not found, or not one the CodeLab IDE created: sign in to follow it")
                : ApiError.response(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "the session did not answer in time; try again"))));
  }

  /** The socket is opened to say why it cannot be used, in a frame the IDE shows (an error), then closed. */
  private static HttpResponse told(WebSocketUpgrade upgrade, String code, String why) {
    Source<Message, NotUsed> reason = Source.single(TextMessage.create(WireMessages.text(WireMessages.error(code, why))));
    return upgrade.handleMessagesWith(Flow.fromSinkAndSourceCoupled(Sink.<Message>ignore(), reason));
  }

  /** Upgrades only for the session's owner; anyone else gets the same 404 as for a session that does not exist. */
  private CompletionStage<HttpResponse> open(
      WebSocketUpgrade upgrade, String sessionId, String userId, Optional<Long> afterSeq, ClientProfile profile, boolean ours, String traceId) {
    return feed.isFollowable(sessionId, userId)
        .thenApply(
            followable -> {
              if (!followable) return ApiError.notFound("session");
              Flow<Message, Message, NotUsed> flow = connect(sessionId, userId, afterSeq.orElse(Long.MAX_VALUE), profile, traceId);
              return ours ? upgrade.handleMessagesWith(flow, SUBPROTOCOL) : upgrade.handleMessagesWith(flow);
            });
  }

  /**
   * The socket's stream; its connection is made when the stream runs, i.e. once the upgrade went
   * through. The socket's incoming frames go to the connection; when either side ends, so does the other.
   */
  private Flow<Message, Message, NotUsed> connect(String sessionId, String userId, long afterSeq, ClientProfile profile, String traceId) {
    return Flow.<Message, Message, NotUsed>fromMaterializer(
            (materializer, attributes) -> {
              SessionFeed.Opened opened = feed.open(materializer, sessionId, userId, afterSeq, profile, traceId);
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
