package codelab.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A project's approval rules: added, listed, matched, deleted, and expired by the project's clock. */
class ProjectApprovalRulesTest {

  private static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final String OWNER = "ann";
  private static final String SESSION = "s-1";
  private static final String WRITE = "{\"path\":\"docs/a.md\",\"content\":\"x\"}";
  private static final ApprovalRuleMatch WRITE_DOCS = new ApprovalRuleMatch("write_file", "docs", null);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A clock the test moves: the project's clock decides when a rule expires. */
  private static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-01T10:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final TestClock clock = new TestClock();
  private final EventSourcedBehaviorTestKit<Project.Command, Project.Event, Project.State> project =
      EventSourcedBehaviorTestKit.create(testKit.system(), Project.create(UUID.randomUUID().toString(), clock));

  private void created() {
    project.<StatusReply<Project.Summary>>runCommand(r -> new Project.Create(OWNER, "p", null, r)).reply().getValue();
  }

  private StatusReply<ApprovalRule> add(String userId, String ruleId, RuleScope scope, ApprovalRuleMatch match, Duration ttl) {
    return project.<StatusReply<ApprovalRule>>runCommand(r -> new Project.AddApprovalRule(userId, ruleId, scope, match, SESSION, "call-1", ttl, r))
        .reply();
  }

  private ApprovalRule added(RuleScope scope, ApprovalRuleMatch match, Duration ttl) {
    return add(OWNER, UUID.randomUUID().toString(), scope, match, ttl).getValue();
  }

  private String match(String ownerId, String sessionId, String toolName, String argumentsJson) {
    return project.<StatusReply<Project.RuleMatch>>runCommand(r -> new Project.MatchApprovalRule(ownerId, sessionId, toolName, argumentsJson, r))
        .reply().getValue().ruleId();
  }

  private Project.ApprovalRulePage list(String userId) {
    return project.<StatusReply<Project.ApprovalRulePage>>runCommand(r -> new Project.ListApprovalRules(userId, 0, 50, r)).reply().getValue();
  }

  private StatusReply<Done> delete(String userId, String ruleId) {
    return project.<StatusReply<Done>>runCommand(r -> new Project.DeleteApprovalRule(userId, ruleId, r)).reply();
  }

  @Test
  void aRuleLivesForItsTimeToLiveByTheProjectsClock() {
    created();
    ApprovalRule rule = added(RuleScope.SESSION, WRITE_DOCS, Duration.ofMinutes(10));
    assertEquals(clock.instant(), rule.createdAt());
    assertEquals(clock.instant().plus(Duration.ofMinutes(10)), rule.expiresAt());
    assertEquals(OWNER, rule.createdBy());
    assertEquals(rule.ruleId(), match(OWNER, SESSION, "write_file", WRITE));

    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    assertEquals(rule.ruleId(), match(OWNER, SESSION, "write_file", WRITE), "alive until its last millisecond");
    clock.advance(Duration.ofMillis(1));
    assertNull(match(OWNER, SESSION, "write_file", WRITE), "expired: nothing gets through");
    assertEquals(0, list(OWNER).total(), "nor is it listed");
    assertEquals(ProjectError.RULE_NOT_FOUND.message(), delete(OWNER, rule.ruleId()).getError().getMessage(), "nor deletable");

    added(RuleScope.PROJECT, new ApprovalRuleMatch("delete_file", null, null), Duration.ofMinutes(1));
    assertEquals(1, project.getState().approvalRules().size(), "the next rule event drops the expired one from the state");
  }

  @Test
  void aDeletedRuleLetsNothingThrough() {
    created();
    ApprovalRule rule = added(RuleScope.PROJECT, WRITE_DOCS, Duration.ofHours(1));
    assertTrue(delete(OWNER, rule.ruleId()).isSuccess());
    assertNull(match(OWNER, SESSION, "write_file", WRITE));
    assertNull(match(OWNER, "another-session", "write_file", WRITE));
    assertEquals(ProjectError.RULE_NOT_FOUND.message(), delete(OWNER, rule.ruleId()).getError().getMessage());
    assertEquals(List.of(), project.getState().approvalRules());
  }

  @Test
  void aSessionRuleAppliesInItsSessionAndAProjectRuleInEverySessionOfTheOwner() {
    created();
    ApprovalRule sessionRule = added(RuleScope.SESSION, WRITE_DOCS, Duration.ofHours(1));
    assertEquals(sessionRule.ruleId(), match(OWNER, SESSION, "write_file", WRITE));
    assertNull(match(OWNER, "s-2", "write_file", WRITE), "another session");
    assertNull(match(OWNER, SESSION, "write_file", "{\"path\":\"src/a.java\",\"content\":\"x\"}"), "not what it matches");
    assertNull(match(OWNER, SESSION, "write_file", "{\"path\":\"docs/../src/x\",\"content\":\"x\"}"));

    ApprovalRule projectRule = added(RuleScope.PROJECT, new ApprovalRuleMatch("write_file", "src", null), Duration.ofHours(1));
    assertEquals(projectRule.ruleId(), match(OWNER, "s-2", "write_file", "{\"path\":\"src/a.java\",\"content\":\"x\"}"));
    assertEquals(ProjectError.NOT_FOUND.message(),
        project.<StatusReply<Project.RuleMatch>>runCommand(r -> new Project.MatchApprovalRule("bob", SESSION, "write_file", WRITE, r))
            .reply().getError().getMessage(),
        "a session of someone else's is no session of this project");
  }

  @Test
  void rulesAreListedNewestFirstToTheOwnerOnly() {
    created();
    ApprovalRule first = added(RuleScope.SESSION, WRITE_DOCS, Duration.ofHours(1));
    clock.advance(Duration.ofSeconds(1));
    ApprovalRule second = added(RuleScope.PROJECT, new ApprovalRuleMatch("execute_command", null, "npm test"), Duration.ofHours(2));
    Project.ApprovalRulePage page = list(OWNER);
    assertEquals(2, page.total());
    assertEquals(List.of(second, first), page.rules());

    assertEquals(ProjectError.NOT_FOUND.message(),
        project.<StatusReply<Project.ApprovalRulePage>>runCommand(r -> new Project.ListApprovalRules("bob", 0, 50, r)).reply().getError().getMessage());
    assertEquals(ProjectError.NOT_FOUND.message(), delete("bob", first.ruleId()).getError().getMessage());
    assertEquals(ProjectError.NOT_FOUND.message(), add("bob", "r", RuleScope.PROJECT, WRITE_DOCS, Duration.ofHours(1)).getError().getMessage());
    assertEquals(2, list(OWNER).total(), "nothing of the stranger's happened");
  }

  @Test
  void addingTheSameRuleAgainAnswersItAndAnInvalidRuleIsRefused() {
    created();
    StatusReply<ApprovalRule> first = add(OWNER, "rule-1", RuleScope.SESSION, WRITE_DOCS, Duration.ofHours(1));
    clock.advance(Duration.ofSeconds(5));
    assertEquals(first.getValue(), add(OWNER, "rule-1", RuleScope.SESSION, WRITE_DOCS, Duration.ofHours(1)).getValue(), "a retry");
    assertEquals(1, list(OWNER).total());

    String invalid = ProjectError.INVALID_RULE.message();
    assertEquals(invalid, add(OWNER, "r2", RuleScope.SESSION, new ApprovalRuleMatch("execute_command", null, null), Duration.ofHours(1))
        .getError().getMessage());
    assertEquals(invalid, add(OWNER, "r3", RuleScope.SESSION, WRITE_DOCS, Duration.ZERO).getError().getMessage());
    assertEquals(invalid, add(OWNER, "r4", null, WRITE_DOCS, Duration.ofHours(1)).getError().getMessage());
  }

  @Test
  void aProjectHoldsABoundedNumberOfLiveRules() {
    created();
    for (int i = 0; i < Project.MAX_LIVE_RULES; i++) added(RuleScope.SESSION, WRITE_DOCS, Duration.ofMinutes(1));
    assertEquals(ProjectError.TOO_MANY_RULES.message(),
        add(OWNER, "one-more", RuleScope.SESSION, WRITE_DOCS, Duration.ofMinutes(1)).getError().getMessage());
    clock.advance(Duration.ofMinutes(1));
    assertTrue(add(OWNER, "after-expiry", RuleScope.SESSION, WRITE_DOCS, Duration.ofMinutes(1)).isSuccess(), "expired rules do not count");
  }

  @Test
  void aDeletedProjectHasNoRulesToMatch() {
    created();
    added(RuleScope.PROJECT, WRITE_DOCS, Duration.ofHours(1));
    project.<StatusReply<Done>>runCommand(r -> new Project.Delete(OWNER, r));
    assertEquals(ProjectError.NOT_FOUND.message(),
        project.<StatusReply<Project.RuleMatch>>runCommand(r -> new Project.MatchApprovalRule(OWNER, SESSION, "write_file", WRITE, r))
            .reply().getError().getMessage());
  }
}
