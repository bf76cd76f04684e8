package codelab.session;

import codelab.agent.memory.AgentMemories;
import codelab.agent.memory.Memory;
import codelab.agent.memory.MemoryPage;
import codelab.agent.memory.Recalled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the session tests' agents remember: in memory, similar by the share of words two texts have in common. */
final class TestMemories implements AgentMemories {

  static final TestMemories INSTANCE = new TestMemories();

  private final List<Memory> memories = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Memory> add(String agentId, String text, String sessionId, long seq) {
    Memory memory = new Memory(UUID.randomUUID().toString(), agentId, text, sessionId, seq, Instant.now());
    memories.add(memory);
    return CompletableFuture.completedFuture(memory);
  }

  @Override
  public CompletionStage<Optional<Memory>> addOnce(String agentId, String text, String sessionId, long seq) {
    return add(agentId, text, sessionId, seq).thenApply(Optional::of);
  }

  @Override
  public CompletionStage<MemoryPage> list(String agentId, int offset, int limit) {
    List<Memory> own = memories.stream().filter(m -> m.agentId().equals(agentId)).toList();
    return CompletableFuture.completedFuture(new MemoryPage(own.stream().skip(offset).limit(limit).toList(), own.size()));
  }

  @Override
  public CompletionStage<List<Recalled>> search(String agentId, String query, int limit, double minScore) {
    List<Recalled> found = new ArrayList<>();
    for (Memory m : memories) {
      double score = overlap(words(query), words(m.text()));
      if (m.agentId().equals(agentId) && score >= minScore) found.add(new Recalled(m, score));
    }
    found.sort(Comparator.comparingDouble(Recalled::score).reversed());
    return CompletableFuture.completedFuture(found.stream().limit(limit).toList());
  }

  @Override
  public CompletionStage<Boolean> delete(String agentId, String memoryId) {
    return CompletableFuture.completedFuture(memories.removeIf(m -> m.agentId().equals(agentId) && m.id().equals(memoryId)));
  }

  private static Set<String> words(String text) {
    return new HashSet<>(Arrays.asList(text.toLowerCase().split("\\W+")));
  }

  private static double overlap(Set<String> a, Set<String> b) {
    Set<String> both = new HashSet<>(a);
    both.retainAll(b);
    return a.isEmpty() || b.isEmpty() ? 0 : (double) both.size() / Math.min(a.size(), b.size());
  }
}
