package codelab.session;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Who speaks in a message of the conversation. Its JSON (in snapshots and history, both ways) is the lower-case name. */
public enum MessageRole {
  USER,
  /** The model; its message may carry tool calls. */
  ASSISTANT,
  /** A tool call's answer (result, error or rejection), paired with the call by its id. */
  TOOL;

  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
