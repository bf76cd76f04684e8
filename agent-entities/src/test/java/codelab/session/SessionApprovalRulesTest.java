package codelab.session;

import static codelab.session.SessionFixture.OWNER;
import static codelab.session.SessionFixture.last;
import static codelab.session.SessionFixture.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.project.ApprovalRule;
import codelab.project.ApprovalRuleMatch;
import codelab.project.Project;
import codelab.project.RuleScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** Approval requests meet their project's approval rules: what a rule covers is approved at once, with its id; the rest waits. */
class SessionApprovalRulesTest {

  private static final String DOCS = "write_file:{\"path\":\"docs/a.md\",\"content\":\"hi\"}";
  private static final String SRC = "write_file:{\"path\":\"src/a.java\",\"content\":\"hi\"}";
  private static final String ESCAPE = "write_file:{\"path\":\"docs/../src/x\",\"content\":\"hi\"}";

  private final String projectId = UUID.randomUUID().toString();
  private final String sessionId = UUID.randomUUID().toString();
  private final ActorRef<Project.Command> project = TestProjects.INSTANCE.ref(projectId);

  private SessionFixture session(FakeModel model) {
    TestProbe<StatusReply<Project.Summary>> created = SessionFixture.testKit.createTestProbe();
    project.tell(new Project.Create(OWNER, "rules", null, created.getRef()));
    assertTrue(created.receiveMessage().isSuccess());
    return new SessionFixture(model, SessionFixture.settings(), "coder", null, projectId, sessionId);
  }

  private ApprovalRule rule(RuleScope scope, String pathPrefix) {
    TestProbe<StatusReply<ApprovalRule>> added = SessionFixture.testKit.createTestProbe();
    project.tell(new Project.AddApprovalRule(OWNER, UUID.randomUUID().toString(), scope, new ApprovalRuleMatch("write_file", pathPrefix, null),
        sessionId, "call-0", Duration.ofHours(1), added.getRef()));
    return added.receiveMessage().getValue();
  }

  @Test
  void aCallTheRuleCoversIsApprovedAtOnceWithTheRulesId() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(DOCS)).thenAnswer(FakeModel.reply("done"));
    SessionFixture s = session(model);
    ApprovalRule rule = rule(RuleScope.SESSION, "docs");
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write the docs", null);

    SessionUpdate.ApprovalRequired asked = (SessionUpdate.ApprovalRequired) last(until(client, SessionUpdate.ApprovalRequired.class));
    SessionUpdate.ApprovalResolved resolved = client.expectMessageClass(SessionUpdate.ApprovalResolved.class);
    assertEquals("approve", resolved.decision());
    assertEquals(rule.ruleId(), resolved.ruleId());
    assertEquals(asked.callId(), resolved.callId());
    SessionUpdate.ToolCallRequested released = client.expectMessageClass(SessionUpdate.ToolCallRequested.class);
    assertFalse(released.requiresApproval());
    assertEquals("{\"path\":\"docs/a.md\",\"content\":\"hi\"}", released.argumentsJson());

    Session.ApprovalResolved persisted = (Session.ApprovalResolved) s.journal().stream().filter(e -> e instanceof Session.ApprovalResolved).findFirst().orElseThrow();
    assertEquals(rule.ruleId(), persisted.ruleId(), "the journal says which rule approved it");
    assertTrue(s.toolResult(asked.callId(), "{\"written\":true}", null).isSuccess());
    SessionFixture.untilTurnCompleted(client);
  }

  @Test
  void aCallTheRuleDoesNotCoverWaitsForAPerson() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(SRC)).thenAnswer(FakeModel.toolCalls(ESCAPE)).thenAnswer(FakeModel.reply("ok"));
    SessionFixture s = session(model);
    rule(RuleScope.SESSION, "docs");
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write src", null);

    String src = ((SessionUpdate.ApprovalRequired) last(until(client, SessionUpdate.ApprovalRequired.class))).callId();
    client.expectNoMessage(Duration.ofMillis(500));
    assertEquals(1, pending(s).size());
    s.decide(src, "approve", null, null);
    assertNull(client.expectMessageClass(SessionUpdate.ApprovalResolved.class).ruleId(), "a person decided");
    client.expectMessageClass(SessionUpdate.ToolCallRequested.class);
    s.toolResult(src, "{}", null);

    String escape = ((SessionUpdate.ApprovalRequired) last(until(client, SessionUpdate.ApprovalRequired.class))).callId();
    client.expectNoMessage(Duration.ofMillis(500));
    assertEquals(List.of(escape), pending(s).stream().map(SessionState.Approval::callId).toList(), "docs/../src is not under docs");
  }

  @Test
  void aRuleMadeWhileCallsWaitApprovesThoseItCoversWhenTheSessionIsToldToCheck() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(DOCS, SRC, DOCS.replace("a.md", "b.md")));
    SessionFixture s = session(model);
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write three", null);
    for (int i = 0; i < 3; i++) until(client, SessionUpdate.ApprovalRequired.class);
    client.expectNoMessage(Duration.ofMillis(300));

    ApprovalRule rule = rule(RuleScope.PROJECT, "docs");
    s.session.runCommand(new Session.CheckApprovalRules());
    List<SessionUpdate> approved = until(client, SessionUpdate.ToolCallRequested.class);
    approved.addAll(until(client, SessionUpdate.ToolCallRequested.class));
    assertEquals(2, approved.stream().filter(u -> u instanceof SessionUpdate.ApprovalResolved r && rule.ruleId().equals(r.ruleId())).count());
    client.expectNoMessage(Duration.ofMillis(300));
    assertEquals(1, pending(s).size(), "src/a.java still waits");
  }

  @Test
  void aRuleApprovesOnlyACallStillWaitingAndOnlyWithTheArgumentsItWasShown() {
    FakeModel model = new FakeModel().thenAnswer(FakeModel.toolCalls(SRC, DOCS));
    SessionFixture s = session(model);
    TestProbe<SessionUpdate> client = s.subscribe(0);
    s.post("write two", null);
    String first = ((SessionUpdate.ApprovalRequired) last(until(client, SessionUpdate.ApprovalRequired.class))).callId();
    String second = ((SessionUpdate.ApprovalRequired) last(until(client, SessionUpdate.ApprovalRequired.class))).callId();
    s.decide(first, "reject", null, "no");
    client.expectMessageClass(SessionUpdate.ApprovalResolved.class);
    SessionState state = s.session.getState();
    Instant now = Instant.now();

    Outcome late = ToolCallAnswers.byRule(state, new Session.RuleAnswered(first, "{\"path\":\"src/a.java\",\"content\":\"hi\"}", "late"), now);
    assertEquals(SessionError.ALREADY_DECIDED, late.refusal());
    Outcome other = ToolCallAnswers.byRule(state, new Session.RuleAnswered(second, "{\"path\":\"docs/b.md\",\"content\":\"hi\"}", "other"), now);
    assertEquals(SessionError.NOT_AWAITING_APPROVAL, other.refusal(), "a rule approves the arguments it was shown, no others");
    Outcome shown = ToolCallAnswers.byRule(state, new Session.RuleAnswered(second, "{\"path\":\"docs/a.md\",\"content\":\"hi\"}", "shown"), now);
    assertEquals(List.of(Session.ApprovalResolved.class, Session.ToolCallReleased.class), shown.events().stream().map(Object::getClass).toList());
    assertEquals("shown", ((Session.ApprovalResolved) shown.events().get(0)).ruleId());
    assertEquals(List.of(second), pending(s).stream().map(SessionState.Approval::callId).toList());
  }

  private static List<SessionState.Approval> pending(SessionFixture s) {
    return s.session.getState().approvals().stream().filter(SessionState.Approval::isPending).toList();
  }
}
