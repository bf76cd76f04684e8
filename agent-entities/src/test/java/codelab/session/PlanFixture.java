package codelab.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;

/**
 * A parent session and the task sessions its plans start, all real Session entities in the test kit
 * (in-memory journal), reached by id as sharding would reach them: what plan tests drive and read.
 */
final class PlanFixture implements Sessions {

  final PlanModel model;
  final Session.Settings settings;
  final String parentId = UUID.randomUUID().toString();
  private final Map<String, ActorRef<Session.Command>> spawned = new ConcurrentHashMap<>();
  private final PersistenceTestKit journal = PersistenceTestKit.create(SessionFixture.testKit.system());

  PlanFixture(PlanModel model, PlanLimits limits) {
    this(model, limits, SessionFixture.settings().maxSteps());
  }

  PlanFixture(PlanModel model, PlanLimits limits, int maxSteps) {
    this.model = model;
    Session.Settings d = SessionFixture.settings();
    this.settings = new Session.Settings(d.readJournalPluginId(), d.snapshotEvery(), d.maxTurnAttempts(), maxSteps, d.toolTimeout(),
        d.approvalTimeout(), d.idleTimeout(), d.agentTimeout(), d.recallLimit(), d.recallMinScore(), d.approvalRuleTimeout(), limits);
    TestProbe<StatusReply<Session.Summary>> created = SessionFixture.testKit.createTestProbe();
    session(parentId).tell(new Session.Create(SessionFixture.OWNER, SessionFixture.PROJECT, "Plans", "coder", null, created.ref()));
    assertTrue(created.receiveMessage().isSuccess());
  }

  PlanFixture(PlanModel model) {
    this(model, new PlanLimits(10, 4, Duration.ofSeconds(30), true));
  }

  @Override
  public RecipientRef<Session.Command> session(String sessionId) {
    return spawned.computeIfAbsent(sessionId, id -> SessionFixture.testKit.spawn(Session.create(
        id, model, TestAgents.MODELS, TestAgents.INSTANCE, TestMemories.INSTANCE, TestProjects.INSTANCE, this, settings, Clock.systemUTC())));
  }

  /** Stops a session as a node's crash would (its journal stays); the next message starts it again from the journal. */
  void crash(String sessionId) {
    ActorRef<Session.Command> running = spawned.remove(sessionId);
    SessionFixture.testKit.stop(running, Duration.ofSeconds(5));
  }

  void orchestrate(String content) {
    TestProbe<StatusReply<Session.Accepted>> accepted = SessionFixture.testKit.createTestProbe();
    session(parentId).tell(new Session.PostUserMessage(SessionFixture.OWNER, content, null, null, true, accepted.ref()));
    assertTrue(accepted.receiveMessage().isSuccess());
  }

  <T> StatusReply<T> ask(String sessionId, java.util.function.Function<ActorRef<StatusReply<T>>, Session.Command> command) {
    TestProbe<StatusReply<T>> probe = SessionFixture.testKit.createTestProbe();
    session(sessionId).tell(command.apply(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  StatusReply<Session.Decision> decide(String sessionId, String callId, String decision, String modifiedArgumentsJson) {
    return ask(sessionId, r -> new Session.Decide(SessionFixture.OWNER, callId, decision, modifiedArgumentsJson, null, r));
  }

  StatusReply<Done> cancel() {
    return ask(parentId, r -> new Session.CancelTurn(SessionFixture.OWNER, null, r));
  }

  List<Session.Event> events(String sessionId) {
    List<Session.Event> events = new ArrayList<>();
    for (Object event : journal.persistedInStorage("Session|" + sessionId)) events.add((Session.Event) event);
    return events;
  }

  /** Waits (up to 10 s) for an event of the session that {@code wanted} accepts, and returns it. */
  <E extends Session.Event> E await(String sessionId, Class<E> type, Predicate<E> wanted) {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      for (Session.Event event : events(sessionId)) {
        if (type.isInstance(event) && wanted.test(type.cast(event))) return type.cast(event);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " as wanted in session " + sessionId + ": " + events(sessionId));
  }

  <E extends Session.Event> E await(String sessionId, Class<E> type) {
    return await(sessionId, type, e -> true);
  }

  /** The plan's create_plan call, once it waits for approval. */
  Session.ApprovalRequested planApproval() {
    return await(parentId, Session.ApprovalRequested.class, e -> e.toolName().equals(PlanDraft.TOOL));
  }

  Plan plan() {
    StatusReply<Session.Plans> plans = ask(parentId, r -> new Session.GetPlans(SessionFixture.OWNER, r));
    return plans.getValue().plans().get(plans.getValue().plans().size() - 1);
  }

  static int indexOf(List<Session.Event> events, Predicate<Session.Event> wanted) {
    for (int i = 0; i < events.size(); i++) if (wanted.test(events.get(i))) return i;
    return -1;
  }
}
