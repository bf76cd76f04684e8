package codelab.platform.wakeup;

import codelab.platform.metrics.NodeMetrics;

import codelab.platform.Database;
import codelab.platform.projection.SessionEventProjection;
import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

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
    DataSource dataSource = database.pool(system, "session-wakeups", 4);
    WaitingApprovals.register(NodeMetrics.get(system).prometheus(), dataSource, clock);

    SessionEventProjection.run(
        system, "session-wakeups", dataSource, () -> new SessionWakeupHandler(settings.toolTimeout(), settings.turnCheck()));

    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(WakeupSweeper.create(dataSource, blocking, clock, settings.sweepInterval(), settings.retryAfter()))
                    .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
                "session-wakeup-sweeper"));
  }
}
