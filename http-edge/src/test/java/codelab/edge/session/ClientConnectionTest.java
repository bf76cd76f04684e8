package codelab.edge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.edge.WireJson;
import codelab.edge.auth.LoggedOutEverywhere;
import org.apache.pekko.actor.typed.pubsub.Topic;
import codelab.session.Session;
import codelab.session.SessionUpdate;
import codelab.session.application.ApprovalDecisions;
import codelab.WorkflowSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.testkit.javadsl.TestEntityRef;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The socket's side of a subscription: resync for a slow client, and following a session that moves. */
class ClientConnectionTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final TestProbe<Session.Command> session = testKit.createTestProbe();
  private static final ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut =
      testKit.spawn(Topic.create(LoggedOutEverywhere.class, "logged-out-everywhere"));
  /** Not reached by these tests: no decision here remembers a rule. */
  private static final ApprovalDecisions decisions =
      new ApprovalDecisions(testKit.system(), new WorkflowSettings(Duration.ofSeconds(1), 1), Duration.ofDays(1));

  @Test
  void aClientThatFallsBehindItsBufferGetsResyncAndIsDropped() throws Exception {
    Pair<BoundedSourceQueue<List<ServerMessage>>, Source<List<ServerMessage>, NotUsed>> frames = Source.<List<ServerMessage>>queue(4).preMaterialize(testKit.system());
    ActorRef<ClientConnection.Input> connection = connect(frames.first(), Long.MAX_VALUE);
    ActorRef<SessionUpdate> subscriber = subscribed(0);

    // nobody reads the socket: the buffer holds session_info and three messages, the next one overflows
    for (int i = 0; i < 10; i++) subscriber.tell(new SessionUpdate.MessageAccepted(i + 1, null, "m" + i));
    TestProbe<ClientConnection.FrameAck> acks = testKit.createTestProbe();
    connection.tell(new ClientConnection.ClientFrame("{\"type\":\"ping\"}", null, acks.getRef()));
    acks.expectMessage(ClientConnection.FrameAck.INSTANCE); // all ten were offered by now

    List<ServerMessage> sent =
        SessionFeed.endingInResync(frames.second(), 4).runWith(Sink.seq(), testKit.system()).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    JsonNode last = WireJson.MAPPER.readTree(WireMessages.text(sent.get(sent.size() - 1)));
    assertEquals("resync", last.get("type").asText());
    assertTrue(sent.size() <= 5, "nothing after resync: " + sent.size());
    // the socket is gone (its incoming side completes): the connection stops, and with it its subscription
    connection.tell(ClientConnection.ClientClosed.INSTANCE);
    session.expectTerminated(connection, Duration.ofSeconds(3));
  }

  @Test
  void whenTheSessionMovesTheConnectionSubscribesAgainAfterWhatItDelivered() {
    Pair<BoundedSourceQueue<List<ServerMessage>>, Source<List<ServerMessage>, NotUsed>> frames = Source.<List<ServerMessage>>queue(64).preMaterialize(testKit.system());
    connect(frames.first(), 0);
    TestProbe<Session.Command> firstHome = testKit.createTestProbe();
    Session.Subscribe subscribe = session.expectMessageClass(Session.Subscribe.class);
    assertEquals(0, subscribe.afterSeq());
    subscribe.subscriber().tell(new SessionUpdate.Subscribed(firstHome.getRef(), "s-1", "coder", 7));
    // on every subscription it asks for the plans, to follow the tasks that run
    session.expectMessageClass(Session.GetPlans.class);
    subscribe.subscriber().tell(new SessionUpdate.MessageAccepted(5, null, "hi"));
    subscribe.subscriber().tell(new SessionUpdate.TurnCompleted(7, "turn-1"));

    firstHome.stop(); // hand-off, rebalance or crash: the entity's actor is gone

    Session.Subscribe again = session.expectMessageClass(Session.Subscribe.class);
    assertEquals(7, again.afterSeq());
    assertEquals(subscribe.subscriber(), again.subscriber());
    // what a re-subscription replays that was already delivered is not sent twice
    again.subscriber().tell(new SessionUpdate.Subscribed(session.getRef(), "s-1", "coder", 8));
    again.subscriber().tell(new SessionUpdate.TurnCompleted(7, "turn-1"));
    again.subscriber().tell(new SessionUpdate.MessageAccepted(8, "op", "next"));
    List<String> types =
        frames.second().<ServerMessage>mapConcat(batch -> batch).take(4).completionTimeout(Duration.ofSeconds(3)).runWith(Sink.seq(), testKit.system())
            .toCompletableFuture().join().stream()
            .map(m -> readType(m))
            .toList();
    assertEquals(List.of("session_info", "message_accepted", "turn_completed", "message_accepted"), types);
  }

  @Test
  void anAfterSeqBeyondTheSessionsEndStillDeliversWhatComesNext() {
    Pair<BoundedSourceQueue<List<ServerMessage>>, Source<List<ServerMessage>, NotUsed>> frames = Source.<List<ServerMessage>>queue(64).preMaterialize(testKit.system());
    connect(frames.first(), 999);
    ActorRef<SessionUpdate> subscriber = subscribed(10);
    subscriber.tell(new SessionUpdate.MessageAccepted(11, null, "next"));
    assertEquals(List.of("session_info", "message_accepted"), types(frames.second(), 2));
  }

  @Test
  void sessionInfoIsTheFirstMessageEvenWhenTheClientSpeaksFirst() {
    Pair<BoundedSourceQueue<List<ServerMessage>>, Source<List<ServerMessage>, NotUsed>> frames = Source.<List<ServerMessage>>queue(64).preMaterialize(testKit.system());
    ActorRef<ClientConnection.Input> connection = connect(frames.first(), Long.MAX_VALUE);
    TestProbe<ClientConnection.FrameAck> acks = testKit.createTestProbe();
    connection.tell(new ClientConnection.ClientFrame("{\"type\":\"ping\"}", null, acks.getRef()));
    acks.expectMessage(ClientConnection.FrameAck.INSTANCE);
    subscribed(3);
    assertEquals(List.of("session_info", "pong"), types(frames.second(), 2));
  }

  @Test
  void toolResultsDecisionsAndCancelsCarryTheirOperationIdToTheSession() {
    Pair<BoundedSourceQueue<List<ServerMessage>>, Source<List<ServerMessage>, NotUsed>> frames = Source.<List<ServerMessage>>queue(64).preMaterialize(testKit.system());
    ActorRef<ClientConnection.Input> connection = connect(frames.first(), Long.MAX_VALUE);
    subscribed(3);
    TestProbe<ClientConnection.FrameAck> acks = testKit.createTestProbe();
    connection.tell(new ClientConnection.ClientFrame(
        "{\"type\":\"tool_result\",\"call_id\":\"c1\",\"result\":{},\"operation_id\":\"op-1\"}", null, acks.getRef()));
    connection.tell(new ClientConnection.ClientFrame(
        "{\"type\":\"hitl_decision\",\"call_id\":\"c2\",\"decision\":\"approve\",\"operation_id\":\"op-2\"}", null, acks.getRef()));
    connection.tell(new ClientConnection.ClientFrame("{\"type\":\"cancel\",\"operation_id\":\"op-3\"}", null, acks.getRef()));
    assertEquals("op-1", session.expectMessageClass(Session.RecordToolResult.class).operationId());
    assertEquals("op-2", session.expectMessageClass(Session.Decide.class).operationId());
    assertEquals("op-3", session.expectMessageClass(Session.CancelTurn.class).operationId());
  }

  private static List<String> types(Source<List<ServerMessage>, NotUsed> frames, int count) {
    return frames.<ServerMessage>mapConcat(batch -> batch).take(count).completionTimeout(Duration.ofSeconds(3))
        .runWith(Sink.seq(), testKit.system()).toCompletableFuture().join().stream()
        .map(ClientConnectionTest::readType)
        .toList();
  }

  private ActorRef<ClientConnection.Input> connect(BoundedSourceQueue<List<ServerMessage>> queue, long afterSeq) {
    return testKit.spawn(
        ClientConnection.create(TestEntityRef.of(Session.ENTITY_KEY, "s-1", session.getRef()), "user-1", afterSeq, queue, loggedOut, decisions,
            ClientProfile.STANDARD, null));
  }

  private ActorRef<SessionUpdate> subscribed(long lastSeq) {
    Session.Subscribe subscribe = session.expectMessageClass(Session.Subscribe.class);
    subscribe.subscriber().tell(new SessionUpdate.Subscribed(session.getRef(), "s-1", "coder", lastSeq));
    session.expectMessageClass(Session.GetPlans.class);
    return subscribe.subscriber();
  }

  private static String readType(ServerMessage message) {
    try {
      return WireJson.MAPPER.readTree(WireMessages.text(message)).get("type").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
