package codelab.platform.sessionlist;

import codelab.session.application.SessionListing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The session_list table, one row per session: reading a row into a {@link SessionListing} and writing one back. */
final class SessionListRows {

  static final String COLUMNS =
      "session_id, owner_id, project_id, title, current_agent, agent_id, message_count, created_at, last_activity, active, last_seq, "
          + "queued, turn_id, turn_step, calls_turn_id, pending_calls";

  private SessionListRows() {}

  static Optional<SessionListing> find(Connection connection, String sessionId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM session_list WHERE session_id = ?")) {
      select.setString(1, sessionId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(read(row)) : Optional.empty();
      }
    }
  }

  static SessionListing read(ResultSet row) throws SQLException {
    String pending = row.getString("pending_calls");
    return new SessionListing(
        row.getString("session_id"),
        row.getString("owner_id"),
        row.getString("project_id"),
        row.getString("title"),
        row.getString("current_agent"),
        row.getString("agent_id"),
        row.getInt("message_count"),
        instant(row.getLong("created_at")),
        instant(row.getLong("last_activity")),
        row.getBoolean("active"),
        row.getLong("last_seq"),
        new SessionListing.Tally(
            row.getInt("queued"),
            row.getString("turn_id"),
            row.getInt("turn_step"),
            row.getString("calls_turn_id"),
            pending.isEmpty() ? List.of() : Arrays.asList(pending.split(" "))));
  }

  static void insert(Connection connection, SessionListing listing) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO session_list (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, listing.sessionId());
      insert.setString(2, listing.ownerId());
      insert.setString(3, listing.projectId());
      setChangingColumns(insert, 4, listing);
      insert.executeUpdate();
    }
  }

  static void delete(Connection connection, String sessionId) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM session_list WHERE session_id = ?")) {
      delete.setString(1, sessionId);
      delete.executeUpdate();
    }
  }

  static void update(Connection connection, SessionListing listing) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE session_list SET title = ?, current_agent = ?, agent_id = ?, message_count = ?, created_at = ?, last_activity = ?, active = ?, "
                + "last_seq = ?, queued = ?, turn_id = ?, turn_step = ?, calls_turn_id = ?, pending_calls = ? WHERE session_id = ?")) {
      setChangingColumns(update, 1, listing);
      update.setString(14, listing.sessionId());
      update.executeUpdate();
    }
  }

  /** Every column after the session's identity (id, owner, project), from parameter {@code first} on. */
  private static void setChangingColumns(PreparedStatement statement, int first, SessionListing listing) throws SQLException {
    SessionListing.Tally tally = listing.tally();
    statement.setString(first, listing.title());
    statement.setString(first + 1, listing.currentAgent());
    statement.setString(first + 2, listing.agentId());
    statement.setInt(first + 3, listing.messageCount());
    statement.setLong(first + 4, nanos(listing.createdAt()));
    statement.setLong(first + 5, nanos(listing.lastActivity()));
    statement.setBoolean(first + 6, listing.active());
    statement.setLong(first + 7, listing.lastSeq());
    statement.setInt(first + 8, tally.queued());
    statement.setString(first + 9, tally.turnId());
    statement.setInt(first + 10, tally.turnStep());
    statement.setString(first + 11, tally.callsTurnId());
    statement.setString(first + 12, String.join(" ", tally.pendingCalls()));
  }

  private static long nanos(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
