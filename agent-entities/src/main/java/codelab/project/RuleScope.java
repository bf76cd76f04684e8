package codelab.project;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where an approval rule applies: the session it was made in, or every session of its project. Its JSON is the lower-case name. */
public enum RuleScope {
  SESSION,
  PROJECT;

  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<RuleScope> of(String word) {
    return Arrays.stream(values()).filter(scope -> scope.word().equals(word)).findFirst();
  }
}
