package codelab.agent.memory;

import java.util.List;

/** One page of an agent's memories, newest first, and how many it has in all. */
public record MemoryPage(List<Memory> memories, long total) {

  public MemoryPage {
    memories = List.copyOf(memories);
  }
}
