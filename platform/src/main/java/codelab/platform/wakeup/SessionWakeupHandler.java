package codelab.platform.wakeup;

import codelab.session.Deadlines;
import codelab.platform.projection.PooledJdbcSession;
import codelab.session.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps the session_wakeup table in step with the session events: a row while something is due
 * (an approval's deadline, a tool call's timeout, a running turn's check), gone once it is settled;
 * {@link Deadlines} says which and when, for this table and the entity's own timers alike.
 * Runs in the projection's transaction, with its offset: each event is applied exactly once.
 */
final class SessionWakeupHandler extends JdbcHandler<EventEnvelope<Session.Event>, PooledJdbcSession> {

  private final Deadlines deadlines;

  SessionWakeupHandler(Duration toolTimeout, Duration turnCheck) {
    this.deadlines = new Deadlines(toolTimeout, turnCheck);
  }

  @Override
  public void process(PooledJdbcSession session, EventEnvelope<Session.Event> envelope) throws Exception {
    String sessionId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    List<Deadlines.Change> changes = deadlines.after(envelope.event());
    if (changes.isEmpty()) return;
    session.withConnection(
        connection -> {
          for (Deadlines.Change change : changes) apply(connection, sessionId, change);
          return null;
        });
  }

  private static void apply(Connection connection, String sessionId, Deadlines.Change change) throws SQLException {
    if (change instanceof Deadlines.Due due) {
      settled(connection, sessionId, due.deadline().key());
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO session_wakeup (session_id, reason, due_at) VALUES (?, ?, ?)")) {
        insert.setString(1, sessionId);
        insert.setString(2, due.deadline().key());
        insert.setLong(3, due.at().toEpochMilli());
        insert.executeUpdate();
      }
    } else if (change instanceof Deadlines.Settled settled) {
      settled(connection, sessionId, settled.deadline().key());
    } else {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM session_wakeup WHERE session_id = ?")) {
        delete.setString(1, sessionId);
        delete.executeUpdate();
      }
    }
  }

  private static void settled(Connection connection, String sessionId, String reason) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM session_wakeup WHERE session_id = ? AND reason = ?")) {
      delete.setString(1, sessionId);
      delete.setString(2, reason);
      delete.executeUpdate();
    }
  }
}
