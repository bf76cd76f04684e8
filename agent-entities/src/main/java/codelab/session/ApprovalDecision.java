package codelab.session;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How an approval was resolved. Its JSON (in journals and replies, both ways) is the lower-case name. */
public enum ApprovalDecision {
  APPROVE,
  /** Approved with arguments the person changed. */
  EDIT,
  REJECT,
  /** No one decided before the deadline: the model sees it as a rejection. */
  EXPIRED;

  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What a person may decide: anything but {@link #EXPIRED}, which only the deadline decides. */
  public static Optional<ApprovalDecision> byPerson(String word) {
    return Arrays.stream(values()).filter(d -> d != EXPIRED && d.word().equals(word)).findFirst();
  }
}
