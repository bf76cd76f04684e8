package codelab.platform.memory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agents' vectors this node holds for recall, within a budget of heap: when they outgrow it the
 * agents recalled least recently are dropped (and loaded again, cold, when next recalled). The agent
 * just recalled always stays, even alone beyond the budget.
 */
final class RecallCache {

  private final long budgetBytes;
  // access order: iteration starts at the agent recalled least recently
  private final LinkedHashMap<String, MemoryVectors> agents = new LinkedHashMap<>(16, 0.75f, true);

  RecallCache(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  synchronized MemoryVectors of(String agentId) {
    return agents.computeIfAbsent(agentId, id -> new MemoryVectors());
  }

  /** Drops agents other than {@code recalled}, least recently recalled first, until the rest fit the budget. */
  synchronized void fit(String recalled) {
    long total = 0;
    for (MemoryVectors vectors : agents.values()) total += vectors.bytes();
    Iterator<Map.Entry<String, MemoryVectors>> oldest = agents.entrySet().iterator();
    while (total > budgetBytes && oldest.hasNext()) {
      Map.Entry<String, MemoryVectors> agent = oldest.next();
      if (agent.getKey().equals(recalled)) continue;
      total -= agent.getValue().bytes();
      oldest.remove();
    }
  }
}
