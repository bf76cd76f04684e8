package codelab.load.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One WebSocket to {@code /api/v1/ws/{id}} through pekko-http's client: frames in, each stamped with
 * {@link System#nanoTime()} as soon as its text is whole; frames out through a queue; and a kill
 * switch that drops the connection the way a lost network does (no close handshake).
 */
public final class ClientSocket {

  /** A whole text frame from the server and when the client had it. */
  public record Frame(String text, long receivedAt) {}

  /** Frames the client may have queued but not yet written (it sends little: messages and tool results). */
  private static final int OUTGOING_BUFFER = 64;

  private final BoundedSourceQueue<Message> outgoing;
  private final SharedKillSwitch killSwitch;
  private final CompletionStage<Void> upgraded;
  private final CompletionStage<Done> closed;

  private ClientSocket(
      BoundedSourceQueue<Message> outgoing, SharedKillSwitch killSwitch, CompletionStage<Void> upgraded, CompletionStage<Done> closed) {
    this.outgoing = outgoing;
    this.killSwitch = killSwitch;
    this.upgraded = upgraded;
    this.closed = closed;
  }

  /**
   * Starts connecting; frames go to {@code onFrame} one at a time, in order. Returns at once, so that
   * the caller holds the socket before its first frame (session_info) can arrive.
   */
  public static ClientSocket open(ClientContext context, String uri, String accessToken, Consumer<Frame> onFrame) {
    Materializer materializer = context.materializer();
    Pair<BoundedSourceQueue<Message>, Source<Message, NotUsed>> out =
        Source.<Message>queue(OUTGOING_BUFFER).preMaterialize(materializer);
    SharedKillSwitch killSwitch = KillSwitches.shared("socket");
    Sink<Message, CompletionStage<Done>> in =
        Flow.<Message>create()
            .mapAsync(1, message -> read(message, materializer))
            .filter(frame -> frame.text() != null)
            .toMat(Sink.foreach(onFrame::accept), Keep.right());
    Flow<Message, Message, CompletionStage<Done>> flow =
        Flow.<Message>create()
            .via(killSwitch.flow())
            .viaMat(Flow.fromSinkAndSourceCoupledMat(in, out.second().via(killSwitch.flow()), Keep.left()), Keep.right());
    Pair<CompletionStage<WebSocketUpgradeResponse>, CompletionStage<Done>> connection =
        context.http().singleWebSocketRequest(
            WebSocketRequest.create(uri).addHeader(Authorization.oauth2(accessToken)), flow, materializer);
    CompletionStage<Void> upgraded =
        connection.first().thenApply(response -> {
          if (!response.response().status().equals(StatusCodes.SWITCHING_PROTOCOLS)) {
            killSwitch.shutdown();
            throw new IllegalStateException("WebSocket upgrade refused: " + response.response().status());
          }
          return null;
        });
    return new ClientSocket(out.first(), killSwitch, upgraded, connection.second());
  }

  public boolean send(String json) {
    return outgoing.offer(TextMessage.create(json)) == QueueOfferResult.enqueued();
  }

  /** A clean close: the client's side ends, the server closes its side. */
  public void close() {
    outgoing.complete();
  }

  /** An abrupt drop, as when the network goes: both directions fail at once. */
  public void drop() {
    killSwitch.abort(new DroppedByLoadTest());
  }

  /** Completes when the upgrade went through; fails when it was refused or the connection failed. */
  public CompletionStage<Void> upgraded() {
    return upgraded;
  }

  /** Completes (normally or not) when the server's side of the socket has ended. */
  public CompletionStage<Done> closed() {
    return closed;
  }

  private static CompletionStage<Frame> read(Message message, Materializer materializer) {
    if (!message.isText()) {
      message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer);
      return CompletableFuture.completedFuture(new Frame(null, System.nanoTime()));
    }
    TextMessage text = message.asTextMessage();
    if (text.isStrict()) return CompletableFuture.completedFuture(new Frame(text.getStrictText(), System.nanoTime()));
    return text.getStreamedText()
        .runFold(new StringBuilder(), StringBuilder::append, materializer)
        .thenApply(whole -> new Frame(whole.toString(), System.nanoTime()));
  }

  /** The failure a deliberate drop ends the socket's streams with. */
  public static final class DroppedByLoadTest extends RuntimeException {
    DroppedByLoadTest() {
      super("connection dropped by the load test", null, false, false);
    }
  }
}
