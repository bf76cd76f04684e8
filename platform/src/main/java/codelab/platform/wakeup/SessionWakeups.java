package codelab.platform.wakeup;

import codelab.platform.Database;
import codelab.session.Session;
import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.ExactlyOnceProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * Durable wake-ups for sessions: approval deadlines, tool-call timeouts and running turns are
 * projected from the session events into the session_wakeup table (one projection per event tag,
 * spread over the cluster), and a singleton sweeper wakes the sessions whose time has come. This is
 * what makes a deadline fire when the node that held the session died, the session passivated,
 * and no client ever touches it again.
 */
public final class SessionWakeups {

  private SessionWakeups() {}

  public record Settings(Duration toolTimeout, Duration turnCheck, Duration sweepInterval, Duration retryAfter) {
    static Settings fromConfig(Config config) {
      Config wakeups = config.getConfig("codelab.wakeups");
      return new Settings(
          config.getDuration("codelab.session.tool-timeout"),
          wakeups.getDuration("turn-check"),
          wakeups.getDuration("sweep-interval"),
          wakeups.getDuration("retry-after"));
    }
  }

  public static void init(ActorSystem<?> system, Database database, Executor blocking, Clock clock) {
    Settings settings = Settings.fromConfig(system.settings().config());
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(database.url());
    pool.setUsername(database.user());
    pool.setPassword(database.password());
    pool.setMaximumPoolSize(4);
    pool.setPoolName("session-wakeups");
    HikariDataSource dataSource = new HikariDataSource(pool);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-session-wakeups-pool",
            () -> {
              dataSource.close();
              return java.util.concurrent.CompletableFuture.completedFuture(org.apache.pekko.Done.getInstance());
            });

    List<String> tags = Session.tags();
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            "session-wakeups",
            tags.size(),
            index -> ProjectionBehavior.create(projection(system, dataSource, tags.get(index), settings)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));

    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(WakeupSweeper.create(dataSource, blocking, clock, settings.sweepInterval(), settings.retryAfter()))
                    .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
                "session-wakeup-sweeper"));
  }

  private static ExactlyOnceProjection<org.apache.pekko.persistence.query.Offset, EventEnvelope<Session.Event>> projection(
      ActorSystem<?> system, HikariDataSource dataSource, String tag, Settings settings) {
    SourceProvider<org.apache.pekko.persistence.query.Offset, EventEnvelope<Session.Event>> events =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    return JdbcProjection.exactlyOnce(
        ProjectionId.of("session-wakeups", tag),
        events,
        () -> new PooledJdbcSession(dataSource),
        () -> new SessionWakeupHandler(settings.toolTimeout(), settings.turnCheck()),
        system);
  }
}
