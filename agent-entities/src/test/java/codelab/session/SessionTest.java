package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.llm.LlmEvent;
import codelab.llm.LlmException;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionTest {

  static final ActorTestKit testKit = SessionFixture.testKit;
  private static final String OWNER = SessionFixture.OWNER;

  private FakeModel model;
  private EventSourcedBehaviorTestKit<Session.Command, Session.Event, SessionState> session;
  private SessionFixture fixture;

  @BeforeEach
  void setUp() {
    model = new FakeModel();
    fixture = new SessionFixture(model, SessionFixture.settings(), "coder");
    session = fixture.session;
  }

  @Test
  void aTurnStreamsDeltasInOrderAndPersistsTheWholeMessage() {
    TestProbe<SessionUpdate> client = subscribe(0);

    var accepted = post("hi", "op-1");
    assertEquals(2, accepted.seq());
    assertFalse(accepted.duplicate());

    assertEquals(new SessionUpdate.MessageAccepted(2, "op-1", "hi"), client.receiveMessage());
    SessionUpdate.TurnStarted started = client.expectMessageClass(SessionUpdate.TurnStarted.class);
    assertEquals(3, started.seq());
    assertEquals(1, started.agentVersion(), "the starter coder's first version answers");
    assertEquals("scripted", started.model());
    SessionUpdate.AssistantDelta first = client.expectMessageClass(SessionUpdate.AssistantDelta.class);
    SessionUpdate.AssistantDelta second = client.expectMessageClass(SessionUpdate.AssistantDelta.class);
    assertEquals(List.of(0, 1), List.of(first.index(), second.index()));
    SessionUpdate.AssistantMessage message = client.expectMessageClass(SessionUpdate.AssistantMessage.class);
    assertEquals(first.token() + second.token(), message.content());
    assertEquals(first.turnId(), message.turnId());
    assertEquals(4, message.seq());
    assertEquals(new Session.Usage(7, 2), message.usage());
    assertEquals(new SessionUpdate.TurnCompleted(5, first.turnId()), client.receiveMessage());

    SessionState state = session.getState();
    assertEquals(List.of("user", "assistant"), state.messages().stream().map(m -> m.role().word()).toList());
    assertNull(state.turn());
    assertEquals(5, state.lastSeq());
    // the model saw the agent's system prompt, then the user's message
    assertEquals("system", model.requests.get(0).messages().get(0).role());
    assertEquals("hi", model.requests.get(0).messages().get(1).content());
  }

  @Test
  void aRepeatedOperationIdIsAcknowledgedButStartsNoSecondTurn() {
    TestProbe<SessionUpdate> client = subscribe(0);
    post("hi", "op-1");
    client.expectMessageClass(SessionUpdate.MessageAccepted.class);
    untilTurnCompleted(client);

    var again = post("hi", "op-1");
    assertTrue(again.duplicate());
    assertEquals(2, again.seq());
    client.expectNoMessage(Duration.ofMillis(200));
    assertEquals(1, model.requests.size());
    assertEquals(2, session.getState().messages().size());
  }

  @Test
  void aMessageDuringARunningTurnIsQueuedAndRunsAfterIt() {
    CompletableFuture<java.util.Optional<LlmEvent>> release = new CompletableFuture<>();
    Source<LlmEvent, NotUsed> slow =
        Source.single((LlmEvent) new LlmEvent.TextDelta("first"))
            .concat(Source.completionStage(release).mapConcat(o -> o.stream().toList()))
            .concat(Source.single(new LlmEvent.Completed("stop")));
    model.thenAnswer(slow).thenAnswer(FakeModel.reply("second"));
    TestProbe<SessionUpdate> client = subscribe(0);

    post("one", "op-1");
    client.expectMessageClass(SessionUpdate.MessageAccepted.class);
    client.expectMessageClass(SessionUpdate.TurnStarted.class);
    client.expectMessageClass(SessionUpdate.AssistantDelta.class);
    var queued = post("two", "op-2");
    assertEquals(4, queued.seq());
    assertEquals(new SessionUpdate.MessageAccepted(4, "op-2", "two"), client.receiveMessage());
    assertEquals(1, model.requests.size(), "the queued message must wait for the running turn");

    release.complete(java.util.Optional.empty());
    assertEquals("first", client.expectMessageClass(SessionUpdate.AssistantMessage.class).content());
    client.expectMessageClass(SessionUpdate.TurnCompleted.class);
    client.expectMessageClass(SessionUpdate.TurnStarted.class);
    assertEquals("second", client.expectMessageClass(SessionUpdate.AssistantDelta.class).token());
    assertEquals("second", client.expectMessageClass(SessionUpdate.AssistantMessage.class).content());
    client.expectMessageClass(SessionUpdate.TurnCompleted.class);

    assertEquals(
        List.of("one", "first", "two", "second"),
        session.getState().messages().stream().map(SessionState.ChatMessage::content).toList());
    // the second call's context holds the first exchange and the queued message
    assertEquals(List.of("system", "user", "assistant", "user"), model.requests.get(1).messages().stream().map(m -> m.role()).toList());
  }

  @Test
  void aModelFailureEndsTheTurnVisibly() {
    model.thenAnswer(Source.failed(new LlmException("model provider answered HTTP 500: boom")));
    TestProbe<SessionUpdate> client = subscribe(0);
    post("hi", null);
    client.expectMessageClass(SessionUpdate.MessageAccepted.class);
    client.expectMessageClass(SessionUpdate.TurnStarted.class);
    SessionUpdate.TurnFailed failed = client.expectMessageClass(SessionUpdate.TurnFailed.class);
    assertEquals("model provider answered HTTP 500: boom", failed.error());
    assertNull(session.getState().turn());
    // the session is usable again
    post("again", null);
    client.expectMessageClass(SessionUpdate.MessageAccepted.class);
    client.expectMessageClass(SessionUpdate.TurnStarted.class);
    client.expectMessageClass(SessionUpdate.AssistantDelta.class);
  }

  @Test
  void aTurnInterruptedByAStopIsRunAgainAfterRecovery() {
    model.thenAnswer(Source.<LlmEvent>maybe().mapMaterializedValue(p -> NotUsed.getInstance()));
    TestProbe<SessionUpdate> before = subscribe(0);
    post("hi", "op-1");
    String interrupted = ((SessionUpdate.TurnStarted) SessionFixture.last(SessionFixture.until(before, SessionUpdate.TurnStarted.class))).turnId();

    session.restart();
    TestProbe<SessionUpdate> client = subscribe(3);
    List<SessionUpdate> seen = untilTurnCompleted(client);
    SessionUpdate.TurnFailed failed = (SessionUpdate.TurnFailed) seen.get(0);
    assertEquals(interrupted, failed.turnId());
    SessionUpdate.AssistantMessage rerun = (SessionUpdate.AssistantMessage) seen.get(seen.size() - 2);
    assertEquals("Hello there", rerun.content());
    assertEquals(
        List.of("hi", "Hello there"),
        session.getState().messages().stream().map(SessionState.ChatMessage::content).toList());
  }

  @Test
  void aSubscriberThatResumesGetsWhatItMissedThenLive() {
    TestProbe<SessionUpdate> first = subscribe(0);
    post("hi", "op-1");
    untilTurnCompleted(first);

    TestProbe<SessionUpdate> late = subscribe(0);
    List<Long> seqs = new ArrayList<>();
    for (SessionUpdate update : late.expectMessageClass(SessionUpdate.Batch.class).updates()) seqs.add(SessionUpdate.seqOf(update));
    assertEquals(List.of(2L, 3L, 4L, 5L), seqs, "message_accepted, turn_started, assistant_message, turn_completed");

    TestProbe<SessionUpdate> upToDate = subscribe(4);
    assertEquals(5, SessionUpdate.seqOf(upToDate.expectMessageClass(SessionUpdate.Batch.class).updates().get(0)));
    upToDate.expectNoMessage(Duration.ofMillis(100));

    post("more", "op-2");
    assertEquals(6, SessionUpdate.seqOf(late.receiveMessage()));
    assertEquals(6, SessionUpdate.seqOf(upToDate.receiveMessage()));
  }

  @Test
  void anotherUsersCommandsSeeNoSession() {
    var summary = session.<StatusReply<Session.Summary>>runCommand(r -> new Session.GetSummary("intruder", r));
    assertEquals(SessionError.NOT_FOUND.message(), summary.reply().getError().getMessage());
    var post = session.<StatusReply<Session.Accepted>>runCommand(
        r -> new Session.PostUserMessage("intruder", "hi", null, null, r));
    assertTrue(post.reply().isError());
    assertTrue(post.hasNoEvents());
    TestProbe<SessionUpdate> probe = testKit.createTestProbe();
    session.runCommand(new Session.Subscribe("intruder", 0, probe.getRef()));
    assertInstanceOf(SessionUpdate.SubscriptionRefused.class, probe.receiveMessage());
  }

  @Test
  void switchingAgentIsPersistedAndShapesTheNextCall() {
    TestProbe<SessionUpdate> client = subscribe(0);
    var reply = session.<StatusReply<org.apache.pekko.Done>>runCommand(
        r -> new Session.SwitchAgent(OWNER, "debug", null, "stack trace", r));
    assertTrue(reply.reply().isSuccess());
    assertEquals(new SessionUpdate.AgentSwitched(2, "coder", "debug", "stack trace"), client.receiveMessage());
    var unknown = session.<StatusReply<org.apache.pekko.Done>>runCommand(
        r -> new Session.SwitchAgent(OWNER, "wizard", null, null, r));
    assertEquals(SessionError.UNKNOWN_AGENT.message(), unknown.reply().getError().getMessage());
    post("why?", null);
    client.expectMessageClass(SessionUpdate.MessageAccepted.class);
    client.expectMessageClass(SessionUpdate.TurnStarted.class);
    client.expectMessageClass(SessionUpdate.AssistantDelta.class);
    assertTrue(model.requests.get(0).messages().get(0).content().contains("debugging"));
  }

  private static List<SessionUpdate> untilTurnCompleted(TestProbe<SessionUpdate> probe) {
    return SessionFixture.untilTurnCompleted(probe);
  }

  private Session.Accepted post(String content, String operationId) {
    return fixture.post(content, operationId);
  }

  private TestProbe<SessionUpdate> subscribe(long afterSeq) {
    return fixture.subscribe(afterSeq);
  }
}
