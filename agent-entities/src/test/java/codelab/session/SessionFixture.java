package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;

/** One session entity under EventSourcedBehaviorTestKit (serialization checks on), and what tests do with it. */
final class SessionFixture {

  static final ActorTestKit testKit =
      ActorTestKit.create(
          EventSourcedBehaviorTestKit.config()
              .withFallback(PersistenceTestKitPlugin.getInstance().config())
              .withFallback(ConfigFactory.load()));

  static final String OWNER = "user-1";
  static final String PROJECT = "project-1";

  static Session.Settings settings() {
    return new Session.Settings(
        PersistenceTestKitReadJournal.Identifier(), 100, 2, 25, Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
        Duration.ofSeconds(5), 5, 0.3, Duration.ofSeconds(3), new PlanLimits(10, 4, Duration.ofSeconds(30), true));
  }

  final FakeModel model;
  final EventSourcedBehaviorTestKit<Session.Command, Session.Event, SessionState> session;
  final String sessionId;

  SessionFixture(FakeModel model, Session.Settings settings, String agentType) {
    this(model, settings, agentType, null);
  }

  /** A session that talks to agent {@code agentId} (of the fixture's project and owner). */
  SessionFixture(FakeModel model, Session.Settings settings, String agentType, String agentId) {
    this(model, settings, agentType, agentId, PROJECT, UUID.randomUUID().toString());
  }

  /** Session {@code sessionId} in project {@code projectId} (a project of {@link TestProjects}, if the test made it). */
  SessionFixture(FakeModel model, Session.Settings settings, String agentType, String agentId, String projectId, String sessionId) {
    this.model = model;
    this.sessionId = sessionId;
    this.session =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Session.create(
                sessionId, model, TestAgents.MODELS, TestAgents.INSTANCE, TestMemories.INSTANCE, TestProjects.INSTANCE,
                taskSessionId -> { throw new IllegalStateException("a single session has no tasks"); }, settings, Clock.systemUTC()));
    var created =
        session.<StatusReply<Session.Summary>>runCommand(
            replyTo -> new Session.Create(OWNER, projectId, "My session", agentType, agentId, replyTo));
    assertEquals(1, created.reply().getValue().lastSeq());
  }

  /** Every event the session has persisted. */
  List<Object> journal() {
    return session.persistenceTestKit().persistedInStorage("Session|" + sessionId);
  }

  Session.Accepted post(String content, String operationId) {
    return session.<StatusReply<Session.Accepted>>runCommand(
            replyTo -> new Session.PostUserMessage(OWNER, content, null, operationId, replyTo))
        .reply()
        .getValue();
  }

  StatusReply<Done> toolResult(String callId, String resultJson, String error) {
    return session.<StatusReply<Done>>runCommand(r -> new Session.RecordToolResult(OWNER, callId, resultJson, error, null, r)).reply();
  }

  StatusReply<Session.Decision> decide(String callId, String decision, String modifiedArgumentsJson, String feedback) {
    return session.<StatusReply<Session.Decision>>runCommand(
            r -> new Session.Decide(OWNER, callId, decision, modifiedArgumentsJson, feedback, r))
        .reply();
  }

  /** Subscribes a probe and consumes the Subscribed confirmation. */
  TestProbe<SessionUpdate> subscribe(long afterSeq) {
    TestProbe<SessionUpdate> probe = testKit.createTestProbe();
    session.runCommand(new Session.Subscribe(OWNER, afterSeq, probe.getRef()));
    probe.expectMessageClass(SessionUpdate.Subscribed.class);
    return probe;
  }

  static List<SessionUpdate> until(TestProbe<SessionUpdate> probe, Class<? extends SessionUpdate> last) {
    List<SessionUpdate> seen = new ArrayList<>();
    probe.fishForMessage(
        Duration.ofSeconds(5),
        update -> {
          List<SessionUpdate> flat = update instanceof SessionUpdate.Batch batch ? batch.updates() : List.of(update);
          seen.addAll(flat);
          return flat.stream().anyMatch(last::isInstance) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
        });
    return seen;
  }

  /** The update {@link #until} stopped at. */
  static SessionUpdate last(List<SessionUpdate> updates) {
    return updates.get(updates.size() - 1);
  }

  static List<SessionUpdate> untilTurnCompleted(TestProbe<SessionUpdate> probe) {
    return until(probe, SessionUpdate.TurnCompleted.class);
  }
}
