package codelab.platform.memory;

import com.typesafe.config.Config;

/**
 * How much agents remember ({@code codelab.memory}).
 *
 * @param maxPerAgent memories an agent keeps; adding beyond it drops its oldest
 * @param recallCacheBytes heap a node gives the vectors it holds for recall, over all agents
 */
public record MemorySettings(int maxPerAgent, long recallCacheBytes) {

  public MemorySettings {
    if (maxPerAgent < 1) throw new IllegalArgumentException("codelab.memory.max-per-agent must be at least 1");
    if (recallCacheBytes < 0) throw new IllegalArgumentException("codelab.memory.recall-cache-size must not be negative");
  }

  public static MemorySettings fromConfig(Config config) {
    Config memory = config.getConfig("codelab.memory");
    return new MemorySettings(memory.getInt("max-per-agent"), memory.getBytes("recall-cache-size"));
  }
}
