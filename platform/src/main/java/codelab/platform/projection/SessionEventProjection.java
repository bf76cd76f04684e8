package codelab.platform.projection;

import codelab.session.Session;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
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
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * A read side kept from the session events: one exactly-once projection per session tag (its offset
 * committed with the handler's writes), the tags spread over the cluster's nodes.
 */
public final class SessionEventProjection {

  private SessionEventProjection() {}

  public static void run(
      ActorSystem<?> system,
      String name,
      DataSource dataSource,
      Supplier<JdbcHandler<EventEnvelope<Session.Event>, PooledJdbcSession>> handler) {
    List<String> tags = Session.tags();
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            name,
            tags.size(),
            index -> ProjectionBehavior.create(projection(system, name, dataSource, tags.get(index), handler)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static ExactlyOnceProjection<Offset, EventEnvelope<Session.Event>> projection(
      ActorSystem<?> system,
      String name,
      DataSource dataSource,
      String tag,
      Supplier<JdbcHandler<EventEnvelope<Session.Event>, PooledJdbcSession>> handler) {
    SourceProvider<Offset, EventEnvelope<Session.Event>> events = EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.exactlyOnce(ProjectionId.of(name, tag), events, () -> new PooledJdbcSession(dataSource), handler, system);
  }
}
