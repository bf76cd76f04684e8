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
 * that many dot products. Measured on the 2-core test machine with the scripted model's 384
 * dimensions (load tests, memory-recall scenario): at 100,000 memories the scan takes about 14 ms
 * (it runs as fast as memory delivers the 150 MB of vectors), a search 15 ms, a whole recall with the
 * embedding call 20-30 ms, and a node that holds none of the agent's vectors loads them in 1-2 s. Lucene
 * 9.12's HNSW on the same 100,000 vectors answered in 1.5 ms but found only about half of the true
 * top 5 (k = 100), and building its graph took 78 s, which every node would pay again for every
 * agent it first recalls; every add and delete on any node would also have to reach every node's
 * graph, where a scan's arrays take an add by appending and a delete by leaving a hole. pgvector is
 * not installed here (nor is there anything like it in H2). An embedding model of 1,536 dimensions
 * makes the scan and the heap four times as large (about 600 MB for an agent at the cap): lower the cap
 * for such a model.
 *
 * <p>Beyond the cap an agent's oldest memories are dropped rather than the add refused: the projection
 * that remembers completed turns cannot act on a refusal, and the newest memories are likelier to
 * matter than the oldest.
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
