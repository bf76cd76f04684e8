package codelab.platform.memory;

import codelab.agent.memory.AgentMemories;
import codelab.platform.Database;
import codelab.platform.projection.SessionEventProjection;
import codelab.session.Session;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Turns the agents remember ({@link Session.TurnRemembered}) become their memories: a projection of
 * the session events, at least once (storing calls the embedding model), made harmless by storing
 * each turn once ({@link AgentMemories#addOnce}: by session and seq), and a deleted one never again.
 */
public final class RememberedTurns extends Handler<EventEnvelope<Session.Event>> {

  /** An embedding model that keeps failing costs a turn its memory after this many more tries, not the tag's progress. */
  private static final int RETRIES = 5;

  private final AgentMemories memories;

  private RememberedTurns(AgentMemories memories) {
    this.memories = memories;
  }

  public static void init(ActorSystem<?> system, Database database, AgentMemories memories) {
    DataSource offsets = database.pool(system, "remembered-turns", 2);
    SessionEventProjection.runAtLeastOnce(system, "remembered-turns", offsets, () -> new RememberedTurns(memories), RETRIES);
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<Session.Event> envelope) {
    if (!(envelope.event() instanceof Session.TurnRemembered remembered)) return CompletableFuture.completedFuture(Done.getInstance());
    String sessionId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    return memories.addOnce(remembered.agentId(), remembered.text(), sessionId, envelope.sequenceNr()).thenApply(stored -> Done.getInstance());
  }
}
