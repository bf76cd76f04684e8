package codelab.platform.wakeup;

import codelab.session.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Keeps the session_wakeup table in step with the session events: a row while something is due
 * (an approval's deadline, a tool call's timeout, a running turn's check), gone once it is settled.
 * Runs in the projection's transaction, with its offset: each event is applied exactly once.
 */
final class SessionWakeupHandler extends JdbcHandler<EventEnvelope<Session.Event>, PooledJdbcSession> {

  static final String TURN = "turn";

  private final Duration toolTimeout;
  private final Duration turnCheck;

  SessionWakeupHandler(Duration toolTimeout, Duration turnCheck) {
    this.toolTimeout = toolTimeout;
    this.turnCheck = turnCheck;
  }

  @Override
  public void process(PooledJdbcSession session, EventEnvelope<Session.Event> envelope) throws Exception {
    String sessionId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    Session.Event event = envelope.event();
    session.withConnection(
        connection -> {
          apply(connection, sessionId, event);
          return null;
        });
  }

  private void apply(Connection connection, String sessionId, Session.Event event) throws SQLException {
    if (event instanceof Session.TurnStarted e) {
      due(connection, sessionId, TURN, e.at().plus(turnCheck));
    } else if (event instanceof Session.ToolCallRequested e && !e.requiresApproval()) {
      due(connection, sessionId, "tool:" + e.call().callId(), e.at().plus(toolTimeout));
    } else if (event instanceof Session.ApprovalRequested e) {
      due(connection, sessionId, "approval:" + e.callId(), e.deadline());
    } else if (event instanceof Session.ApprovalResolved e) {
      settled(connection, sessionId, "approval:" + e.callId());
    } else if (event instanceof Session.ToolCallReleased e) {
      due(connection, sessionId, "tool:" + e.callId(), e.at().plus(toolTimeout));
    } else if (event instanceof Session.ToolResultRecorded e) {
      settled(connection, sessionId, "tool:" + e.callId());
    } else if (event instanceof Session.TurnCompleted || event instanceof Session.TurnFailed || event instanceof Session.TurnCancelled) {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM session_wakeup WHERE session_id = ?")) {
        delete.setString(1, sessionId);
        delete.executeUpdate();
      }
    }
  }

  private static void due(Connection connection, String sessionId, String reason, Instant at) throws SQLException {
    settled(connection, sessionId, reason);
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO session_wakeup (session_id, reason, due_at) VALUES (?, ?, ?)")) {
      insert.setString(1, sessionId);
      insert.setString(2, reason);
      insert.setLong(3, at.toEpochMilli());
      insert.executeUpdate();
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
