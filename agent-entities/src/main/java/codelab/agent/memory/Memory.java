package codelab.agent.memory;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing an agent remembers: a completed turn (the user's message and the answer), or a text a
 * user gave it.
 *
 * @param sessionId the session it came from; null when it came from no session
 * @param seq the session's seq of the turn it came from; 0 when none
 */
public record Memory(String id, String agentId, String text, String sessionId, long seq, Instant createdAt) {

  public Memory {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
