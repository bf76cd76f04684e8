package codelab.platform.projection;

import codelab.platform.metrics.NodeMetrics;
import codelab.session.Session;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.HandlerRecoveryStrategy;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.ExactlyOnceProjection;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * A read side kept from the session events: one projection per session tag, the tags spread over the
 * cluster's nodes; exactly once (its offset committed with the handler's writes) for a handler that
 * writes to the database, at least once for one that calls out (its effect must be idempotent).
 */
public final class SessionEventProjection {

  private SessionEventProjection() {}

  public static void run(
      ActorSystem<?> system,
      String name,
      DataSource dataSource,
      Supplier<JdbcHandler<EventEnvelope<Session.Event>, PooledJdbcSession>> handler) {
    spread(system, name, tag -> projection(system, name, dataSource, tag, handler));
  }

  /**
   * At least once, for a handler whose work is not in this database (a call to a model, say): an
   * event whose handling keeps failing is retried {@code retries} times, then skipped and logged, so
   * that one bad event does not stop every session of its tag.
   */
  public static void runAtLeastOnce(
      ActorSystem<?> system, String name, DataSource dataSource, Supplier<Handler<EventEnvelope<Session.Event>>> handler, int retries) {
    NodeMetrics.Registry metrics = NodeMetrics.get(system);
    spread(system, name, tag -> JdbcProjection.atLeastOnceAsync(
            ProjectionId.of(name, tag), events(system, tag), () -> new PooledJdbcSession(dataSource),
            () -> ProjectionLag.of(name, metrics, handler.get()), system)
        .withRecoveryStrategy(HandlerRecoveryStrategy.retryAndSkip(retries, Duration.ofSeconds(2))));
  }

  private static void spread(ActorSystem<?> system, String name, Function<String, Projection<EventEnvelope<Session.Event>>> projectionOfTag) {
    List<String> tags = Session.tags();
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            name,
            tags.size(),
            index -> ProjectionBehavior.create(projectionOfTag.apply(tags.get(index))),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static SourceProvider<Offset, EventEnvelope<Session.Event>> events(ActorSystem<?> system, String tag) {
    return EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
  }

  private static ExactlyOnceProjection<Offset, EventEnvelope<Session.Event>> projection(
      ActorSystem<?> system,
      String name,
      DataSource dataSource,
      String tag,
      Supplier<JdbcHandler<EventEnvelope<Session.Event>, PooledJdbcSession>> handler) {
    NodeMetrics.Registry metrics = NodeMetrics.get(system);
    return JdbcProjection.exactlyOnce(
        ProjectionId.of(name, tag), events(system, tag), () -> new PooledJdbcSession(dataSource), () -> ProjectionLag.of(name, metrics, handler.get()),
        system);
  }
}
