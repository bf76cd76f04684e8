package codelab.platform.memory;

import codelab.agent.memory.AgentMemories;
import codelab.agent.memory.Memory;
import codelab.agent.memory.MemoryPage;
import codelab.agent.memory.Recalled;
import codelab.llm.Embeddings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * {@link AgentMemories} in the agent_memory table, recalled from the vectors this node holds
 * ({@link RecallCache}, {@link MemoryVectors}). JDBC and scans run on the blocking executor.
 *
 * <p>A deleted memory is never recalled again: every recall first catches the agent's vectors up
 * with the table (a delete is a change like an add), and the memories it finds are read back from
 * the table, deleted ones left out, so even a delete that lands while a recall runs is not answered.
 */
final class JdbcAgentMemories implements AgentMemories {

  private static final int MAX_ID_LENGTH = 64;

  private final DataSource dataSource;
  private final Executor blocking;
  private final Embeddings embeddings;
  private final MemorySettings settings;
  private final RecallCache cache;
  private final Clock clock;

  JdbcAgentMemories(DataSource dataSource, Executor blocking, Embeddings embeddings, MemorySettings settings, Clock clock) {
    this.dataSource = dataSource;
    this.blocking = blocking;
    this.embeddings = embeddings;
    this.settings = settings;
    this.cache = new RecallCache(settings.recallCacheBytes());
    this.clock = clock;
  }

  @Override
  public CompletionStage<Memory> add(String agentId, String text, String sessionId, long seq) {
    try {
      checkId("agentId", agentId);
      checkText(text);
      if (sessionId != null) checkId("sessionId", sessionId);
      if (seq < 0) throw new IllegalArgumentException("seq must not be negative");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return embeddings.embed(text).thenApplyAsync(vector -> {
      try {
        return store(agentId, List.of(new Remembered(text, sessionId, seq, vector))).get(0);
      } catch (TurnRemembered e) {
        throw new IllegalArgumentException("agent " + agentId + " already remembers session " + sessionId + " at seq " + seq);
      }
    }, blocking);
  }

  @Override
  public CompletionStage<Optional<Memory>> addOnce(String agentId, String text, String sessionId, long seq) {
    try {
      checkId("agentId", agentId);
      checkText(text);
      checkId("sessionId", sessionId);
      if (seq < 1) throw new IllegalArgumentException("seq must be positive");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(() -> remembered(agentId, sessionId, seq), blocking).thenCompose(earlier -> {
      if (earlier.isPresent()) return CompletableFuture.completedFuture(earlier.get());
      return embeddings.embed(text).thenApplyAsync(vector -> {
        try {
          return Optional.of(store(agentId, List.of(new Remembered(text, sessionId, seq, vector))).get(0));
        } catch (TurnRemembered e) {
          // remembered meanwhile, by a delivery of the same turn on another node
          return remembered(agentId, sessionId, seq).orElseThrow(() -> new IllegalStateException("a turn's memory vanished while stored", e));
        }
      }, blocking);
    });
  }

  @Override
  public CompletionStage<MemoryPage> list(String agentId, int offset, int limit) {
    try {
      checkId("agentId", agentId);
      if (offset < 0 || limit < 0) throw new IllegalArgumentException("offset and limit must not be negative");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    // the total counts the rows themselves, before the page is read: each statement sees what was committed
    // before it began, so a page never misses a memory its total counts
    return CompletableFuture.supplyAsync(() -> inTransaction("list the memories of agent " + agentId, connection -> {
      long total = MemoryTable.liveCount(connection, agentId);
      return new MemoryPage(MemoryTable.newestFirst(connection, agentId, offset, limit), total);
    }), blocking);
  }

  @Override
  public CompletionStage<List<Recalled>> search(String agentId, String query, int limit, double minScore) {
    try {
      checkId("agentId", agentId);
      if (query == null || query.isBlank()) throw new IllegalArgumentException("query must not be blank");
      if (limit < 0) throw new IllegalArgumentException("limit must not be negative");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(() -> current(agentId), blocking).thenCompose(vectors -> {
      // an agent that remembers nothing costs no call to the embedding model
      if (vectors.size() == 0 || limit == 0) return CompletableFuture.completedFuture(List.<Recalled>of());
      return embeddings.embed(query)
          .thenApplyAsync(vector -> found(agentId, vectors, StoredVector.normalized(vector), limit, minScore), blocking);
    });
  }

  /** {@link #search} with the query's embedding already at hand: what the recall costs beyond the embedding model. */
  CompletionStage<List<Recalled>> searchVector(String agentId, float[] query, int limit, double minScore) {
    return CompletableFuture.supplyAsync(
        () -> found(agentId, current(agentId), StoredVector.normalized(query), limit, minScore), blocking);
  }

  @Override
  public CompletionStage<Boolean> delete(String agentId, String memoryId) {
    try {
      checkId("agentId", agentId);
      if (memoryId == null) throw new IllegalArgumentException("memoryId is required");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(() -> inTransaction("delete memory " + memoryId + " of agent " + agentId, connection -> {
      MemoryTable.Counts counts = MemoryTable.advance(connection, agentId, 1);
      if (!MemoryTable.markDeleted(connection, agentId, memoryId, counts.changeNo())) {
        // nothing changed: the change number goes back unused
        connection.rollback();
        return false;
      }
      MemoryTable.setCounts(connection, agentId, counts.live() - 1, counts.evictedThrough());
      return true;
    }), blocking);
  }

  /** A text with its embedding, where it came from, to be stored. */
  record Remembered(String text, String sessionId, long seq, float[] embedding) {}

  /**
   * Stores memories of one agent in one transaction, in the order given (the last is the newest),
   * dropping the agent's oldest beyond the cap; on the calling thread. Many at once is how a
   * benchmark fills an agent in JDBC batches.
   *
   * @throws TurnRemembered when one names a turn the agent already remembers (nothing is stored)
   */
  List<Memory> store(String agentId, List<Remembered> memories) {
    try {
      return inTransaction("store memories of agent " + agentId, connection -> {
        MemoryTable.Counts counts = MemoryTable.advance(connection, agentId, memories.size());
        long changeNo = counts.changeNo() - memories.size();
        List<Memory> stored = new ArrayList<>();
        List<MemoryTable.NewRow> rows = new ArrayList<>();
        for (Remembered remembered : memories) {
          Memory memory = new Memory(
              UUID.randomUUID().toString(), agentId, remembered.text(), remembered.sessionId(), remembered.seq(), clock.instant());
          stored.add(memory);
          rows.add(new MemoryTable.NewRow(memory, ++changeNo, StoredVector.bytes(StoredVector.normalized(remembered.embedding()))));
        }
        MemoryTable.insert(connection, rows);
        long live = counts.live() + memories.size();
        long evictedThrough = counts.evictedThrough();
        if (live > settings.maxPerAgent()) {
          evictedThrough = MemoryTable.evictOldest(connection, agentId, evictedThrough, live - settings.maxPerAgent());
          live = settings.maxPerAgent();
        }
        MemoryTable.setCounts(connection, agentId, live, evictedThrough);
        return stored;
      });
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof SQLException sql && MemoryTable.isUniqueViolation(sql)) throw new TurnRemembered(sql);
      throw e;
    }
  }

  /** The agent's vectors, caught up with the table. */
  MemoryVectors current(String agentId) {
    MemoryVectors vectors = cache.of(agentId);
    inTransaction("recall the memories of agent " + agentId, connection -> {
      vectors.catchUp(new MemoryVectors.Feed() {
        @Override
        public MemoryVectors.Clock clock() throws SQLException {
          return MemoryTable.counts(connection, agentId)
              .map(counts -> new MemoryVectors.Clock(counts.changeNo(), counts.evictedThrough()))
              .orElse(MemoryVectors.Clock.NONE);
        }

        @Override
        public void changesSince(long changeNo, Consumer<MemoryVectors.Change> change) throws SQLException {
          MemoryTable.changesSince(connection, agentId, changeNo, change);
        }
      });
      return null;
    });
    cache.fit(agentId);
    return vectors;
  }

  private List<Recalled> found(String agentId, MemoryVectors vectors, float[] query, int limit, double minScore) {
    List<MemoryVectors.Scored> best = vectors.top(query, limit, minScore);
    if (best.isEmpty()) return List.of();
    List<String> ids = best.stream().map(MemoryVectors.Scored::memoryId).toList();
    // read back, not from the vectors: a memory deleted since the catch-up is left out here
    Map<String, Memory> live = inTransaction("read the memories recalled for agent " + agentId,
        connection -> MemoryTable.live(connection, agentId, ids));
    List<Recalled> recalled = new ArrayList<>();
    for (MemoryVectors.Scored scored : best) {
      Memory memory = live.get(scored.memoryId());
      if (memory != null) recalled.add(new Recalled(memory, scored.score()));
    }
    return recalled;
  }

  /** The turn's memory if stored: present, or empty when deleted since. */
  private Optional<Optional<Memory>> remembered(String agentId, String sessionId, long seq) {
    return inTransaction("read the memory of a turn of agent " + agentId,
        connection -> MemoryTable.turn(connection, agentId, sessionId, seq)
            .map(row -> row.deleted() ? Optional.<Memory>empty() : Optional.of(row.memory())));
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  // one transaction also for reads: PostgreSQL streams a large result (a cold catch-up) only inside one
  private <T> T inTransaction(String what, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private static void checkId(String name, String id) {
    if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(name + " must be 1 to " + MAX_ID_LENGTH + " characters");
    }
  }

  private static void checkText(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("a memory's text must not be blank");
    if (text.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException("a memory's text must not exceed " + MAX_TEXT_LENGTH + " characters");
    }
  }

  /** A memory named a turn the agent already remembers. */
  static final class TurnRemembered extends RuntimeException {
    TurnRemembered(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
