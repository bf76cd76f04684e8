package codelab.session;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where an approval request stands: pending, or how it was resolved. Its JSON (in snapshots, both ways) is the lower-case name. */
public enum ApprovalStatus {
  PENDING,
  APPROVE,
  EDIT,
  REJECT,
  EXPIRED;

  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ApprovalStatus resolved(ApprovalDecision decision) {
    return valueOf(decision.name());
  }
}
