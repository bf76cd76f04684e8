package codelab.project;

import codelab.JsonSerializable;
import java.time.Instant;

/**
 * A remembered approval: while it lives, the project's sessions in its {@code scope} have the calls
 * its {@code match} covers approved at once, each recorded with {@code ruleId}. It was made by
 * {@code createdBy}'s decision on call {@code callId} of session {@code sessionId} (a session-scoped
 * rule applies there only), and it lives until {@code expiresAt}, or until it is deleted.
 */
public record ApprovalRule(
    String ruleId, RuleScope scope, ApprovalRuleMatch match, String sessionId, String callId, String createdBy, Instant createdAt,
    Instant expiresAt)
    implements JsonSerializable {

  public boolean isLiveAt(Instant at) {
    return at.isBefore(expiresAt);
  }

  /** Whether it approves, at {@code at}, a call of {@code toolName} with these arguments in session {@code inSession}. */
  public boolean approves(String inSession, String toolName, String argumentsJson, Instant at) {
    return isLiveAt(at) && (scope == RuleScope.PROJECT || sessionId.equals(inSession)) && match.covers(toolName, argumentsJson);
  }
}
