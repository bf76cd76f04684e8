package codelab.agent.application;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** The read side of what agents have done, kept from the session events without asking any entity. */
public interface AgentCounters {

  /** {@code lastActive}: null for an agent that has answered no turn. */
  record Counters(long turns, long promptTokens, long completionTokens, Instant lastActive) {
    public static final Counters NONE = new Counters(0, 0, 0, null);
  }

  /** The counters of each of {@code agentIds} that has any; an agent missing from the answer has done nothing yet. */
  CompletionStage<Map<String, Counters>> of(List<String> agentIds);
}
