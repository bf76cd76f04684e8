package codelab.platform.memory;

import codelab.agent.memory.AgentMemories;
import codelab.llm.Embeddings;
import codelab.platform.Database;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Agent memory on a node: the memories in the database (agent_memory), the vectors for recall in
 * this node's heap.
 *
 * <p><b>The vector search is a scan, exact, over vectors held in memory; no ANN index.</b> An agent
 * keeps at most {@code codelab.memory.max-per-agent} memories (100,000), so one recall is at most
 * that many dot products, which measure in milliseconds (the load-tests' memory-recall scenario);
 * the embedding call that precedes it takes longer. Lucene's HNSW would answer in less, but it is
 * approximate (a threshold and top 5 may miss the best memory), building its graph costs far more
 * than reading the vectors (every node builds it again when it first recalls an agent), and every add
 * and delete on any node would have to reach every node's graph: a scan's arrays take an add by
 * appending and a delete by leaving a hole. pgvector is not installed here (nor in H2).
 *
 * <p>Several nodes share the database: each recall catches this node's vectors up with the agent's
 * changes (adds, deletes and evictions, numbered per agent by {@code agent_memory_clock}), reading one
 * clock row when nothing changed rather than the agent's rows.
 */
public final class AgentMemoryStore {

  private AgentMemoryStore() {}

  /** Memory on its own connection pool (closed as the node stops), configured by {@code codelab.memory}. */
  public static AgentMemories start(ActorSystem<?> system, Database database, Executor blocking, Embeddings embeddings) {
    return new JdbcAgentMemories(
        database.pool(system, "agent-memory", 4), blocking, embeddings, MemorySettings.fromConfig(system.settings().config()), Clock.systemUTC());
  }
}
