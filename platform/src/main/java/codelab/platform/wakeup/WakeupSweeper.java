package codelab.platform.wakeup;

import codelab.session.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per cluster (a singleton): every {@code interval} it reads the wake-ups that are due and sends
 * each session a {@link Session.Wake}, through sharding, so that the session starts on whichever node
 * it belongs to now and settles what is overdue. A row stays until the session's events settle it;
 * meanwhile it is due again {@code retryAfter} later, so a wake-up that got lost is sent again.
 */
final class WakeupSweeper {

  private static final Logger log = LoggerFactory.getLogger(WakeupSweeper.class);

  private WakeupSweeper() {}

  sealed interface Command extends NoSerializationVerificationNeeded {}

  private enum Sweep implements Command {
    INSTANCE
  }

  private record Swept(List<String> sessionIds, Throwable failure) implements Command {}

  static final int BATCH = 500;

  static Behavior<Command> create(DataSource dataSource, Executor blocking, Clock clock, Duration interval, Duration retryAfter) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(Sweep.INSTANCE, interval);
                  return Behaviors.receive(Command.class)
                      .onMessage(
                          Sweep.class,
                          sweep -> {
                            context.pipeToSelf(
                                CompletableFuture.supplyAsync(() -> due(dataSource, clock, retryAfter), blocking),
                                Swept::new);
                            return Behaviors.same();
                          })
                      .onMessage(
                          Swept.class,
                          swept -> {
                            if (swept.failure() != null) {
                              log.warn("Wake-up sweep failed: {}", swept.failure().toString());
                            } else {
                              for (String sessionId : swept.sessionIds()) {
                                Session.entityRef(context.getSystem(), sessionId).tell(new Session.Wake());
                              }
                              if (!swept.sessionIds().isEmpty()) log.info("Woke {} session(s) with something due", swept.sessionIds().size());
                            }
                            timers.startSingleTimer(Sweep.INSTANCE, interval);
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  /** The sessions with something due; their rows are pushed back by {@code retryAfter} in the same transaction. */
  static List<String> due(DataSource dataSource, Clock clock, Duration retryAfter) {
    long now = clock.millis();
    List<String[]> rows = new ArrayList<>();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement select =
          connection.prepareStatement("SELECT session_id, reason FROM session_wakeup WHERE due_at <= ? ORDER BY due_at")) {
        select.setLong(1, now);
        select.setMaxRows(BATCH);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) rows.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      try (PreparedStatement later =
          connection.prepareStatement("UPDATE session_wakeup SET due_at = ? WHERE session_id = ? AND reason = ? AND due_at <= ?")) {
        for (String[] row : rows) {
          later.setLong(1, now + retryAfter.toMillis());
          later.setString(2, row[0]);
          later.setString(3, row[1]);
          later.setLong(4, now);
          later.addBatch();
        }
        later.executeBatch();
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return rows.stream().map(r -> r[0]).distinct().toList();
  }
}
