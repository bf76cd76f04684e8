package codelab.agent.memory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What agents remember, per agent: memories are added with an embedding of their text and found
 * again by similarity. An agent's memories are its own: no call with one agent's id ever returns,
 * finds or deletes another's. A deleted memory is never listed or recalled again, on any node, once
 * {@link #delete} has answered. An agent keeps a bounded number of memories: beyond it the oldest go.
 *
 * <p>Failures: an {@link IllegalArgumentException} for arguments out of range, the embedding model's
 * {@code codelab.llm.LlmException} when it gives no vector, an {@link IllegalStateException} when the
 * store cannot be reached.
 */
public interface AgentMemories {

  /** Longer texts are refused: embedding models read a few thousand tokens at most. */
  int MAX_TEXT_LENGTH = 16_000;

  /**
   * Remembers a text (embedding it first).
   *
   * @param sessionId the session it came from, or null
   * @param seq the seq of the turn it came from in that session, or 0. A turn has one memory at most:
   *     adding a second for the same session and seq fails ({@link IllegalArgumentException}); use
   *     {@link #addOnce} where a turn may be remembered more than once
   */
  CompletionStage<Memory> add(String agentId, String text, String sessionId, long seq);

  /**
   * Remembers a turn once however often it is asked to (a projection delivers at least once): the
   * memory stored now or by an earlier call; empty when an earlier call stored it and it has been
   * deleted since (it stays deleted).
   *
   * @param sessionId required
   * @param seq positive
   */
  CompletionStage<Optional<Memory>> addOnce(String agentId, String text, String sessionId, long seq);

  /** The agent's memories newest first, {@code limit} from {@code offset} on, and their number. */
  CompletionStage<MemoryPage> list(String agentId, int offset, int limit);

  /**
   * The agent's memories most similar to {@code query}, best first: at most {@code limit}, each with a
   * score of at least {@code minScore}.
   */
  CompletionStage<List<Recalled>> search(String agentId, String query, int limit, double minScore);

  /** Forgets a memory; false when the agent has no such memory (never had, or it is already gone). */
  CompletionStage<Boolean> delete(String agentId, String memoryId);
}
