package codelab.platform.sessionlist;

import codelab.platform.Database;
import codelab.platform.wakeup.PooledJdbcSession;
import codelab.session.Session;
import codelab.session.application.SessionDirectory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.ExactlyOnceProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The session lists' read side: the session events are projected into the session_list table (one
 * projection per event tag, spread over the cluster), and {@link JdbcSessionDirectory} reads it. A
 * node that starts on a journal written before this table existed projects every session from its
 * first event (the projection has no offset yet); until it has, lists ask the sessions themselves.
 */
public final class SessionList {

  private SessionList() {}

  /** Starts the projection and answers the directory that reads its table, both on a connection pool of their own. */
  public static SessionDirectory init(ActorSystem<?> system, Database database, Executor blocking) {
    DataSource dataSource = database.pool(system, "session-list", 4);
    List<String> tags = Session.tags();
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            "session-list",
            tags.size(),
            index -> ProjectionBehavior.create(projection(system, dataSource, tags.get(index))),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
    return new JdbcSessionDirectory(dataSource, blocking);
  }

  private static ExactlyOnceProjection<Offset, EventEnvelope<Session.Event>> projection(ActorSystem<?> system, DataSource dataSource, String tag) {
    SourceProvider<Offset, EventEnvelope<Session.Event>> events = EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.exactlyOnce(
        ProjectionId.of("session-list", tag), events, () -> new PooledJdbcSession(dataSource), SessionListHandler::new, system);
  }
}
