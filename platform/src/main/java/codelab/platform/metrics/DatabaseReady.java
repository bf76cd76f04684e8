package codelab.platform.metrics;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * A readiness check of Pekko Management ({@code /ready}): the journal's database answers a query,
 * through the journal's own connections. A node whose database is gone takes no traffic.
 */
public final class DatabaseReady implements Supplier<CompletionStage<Boolean>> {

  private final ActorSystem system;

  public DatabaseReady(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    JdbcReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal.currentPersistenceIds().take(1).runWith(Sink.ignore(), system).thenApply(done -> true);
  }
}
