package codelab.edge.project;

import codelab.edge.Paging;
import codelab.project.ApprovalRule;
import java.time.Instant;
import java.util.List;

/** The approval rule bodies of the REST contract (PROTOCOL.md v1.1 "Approvals across sessions"), written by the one snake_case mapper ({@code WireJson}). */
public final class ApprovalRuleJson {

  private ApprovalRuleJson() {}

  public record Match(String toolName, String pathPrefix, String commandPrefix) {}

  /**
   * {@code session_id} and {@code call_id}: the decision that made the rule (a session-scoped rule
   * applies in that session only); {@code created_by}: the user who decided.
   */
  public record RuleBody(
      String id, String projectId, String scope, Match match, String sessionId, String callId, String createdBy, Instant createdAt,
      Instant expiresAt) {
    public static RuleBody of(String projectId, ApprovalRule rule) {
      Match match = new Match(rule.match().toolName(), rule.match().pathPrefix(), rule.match().commandPrefix());
      return new RuleBody(rule.ruleId(), projectId, rule.scope().word(), match, rule.sessionId(), rule.callId(), rule.createdBy(),
          rule.createdAt(), rule.expiresAt());
    }
  }

  record RulePage(List<RuleBody> approvalRules, int total, int limit, int offset) {
    static RulePage of(String projectId, List<ApprovalRule> rules, int total, Paging paging) {
      return new RulePage(rules.stream().map(rule -> RuleBody.of(projectId, rule)).toList(), total, paging.limit(), paging.offset());
    }
  }
}
