package codelab.platform.sessionlist;

import codelab.session.Session;
import codelab.session.application.SessionDirectory;
import codelab.session.application.SessionListing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Reads the session_list table. A row counts as current when it has seen the session's newest
 * journal entry: the journal's highest sequence number of each session is read on the same
 * connection (a primary-key look-up each), so a list never shows a session older than the session is.
 */
final class JdbcSessionDirectory implements SessionDirectory {

  private final DataSource dataSource;
  private final Executor blocking;

  JdbcSessionDirectory(DataSource dataSource, Executor blocking) {
    this.dataSource = dataSource;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Map<String, Session.Summary>> current(String ownerId, List<String> sessionIds) {
    if (sessionIds.isEmpty()) return CompletableFuture.completedFuture(Map.of());
    return CompletableFuture.supplyAsync(() -> read(ownerId, sessionIds), blocking);
  }

  private Map<String, Session.Summary> read(String ownerId, List<String> sessionIds) {
    String placeholders = String.join(", ", Collections.nCopies(sessionIds.size(), "?"));
    Map<String, Session.Summary> current = new HashMap<>();
    try (Connection connection = dataSource.getConnection()) {
      Map<String, Long> journalSeqs = journalSeqs(connection, sessionIds, placeholders);
      try (PreparedStatement select =
          connection.prepareStatement("SELECT " + SessionListRows.COLUMNS + " FROM session_list WHERE owner_id = ? AND session_id IN (" + placeholders + ")")) {
        select.setString(1, ownerId);
        for (int i = 0; i < sessionIds.size(); i++) select.setString(i + 2, sessionIds.get(i));
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            SessionListing listing = SessionListRows.read(rows);
            if (listing.lastSeq() >= journalSeqs.getOrDefault(listing.sessionId(), Long.MAX_VALUE)) {
              current.put(listing.sessionId(), listing.summary());
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the session list: " + e.getMessage(), e);
    }
    return current;
  }

  /** The highest journal sequence number of each session: one look-up per session in the journal's primary key. */
  private static Map<String, Long> journalSeqs(Connection connection, List<String> sessionIds, String placeholders) throws SQLException {
    String prefix = Session.ENTITY_KEY.name() + "|";
    Map<String, Long> seqs = new HashMap<>();
    // the journal's names are quoted lower case: as H2's journal schema has them, and the same names on PostgreSQL
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT \"persistence_id\", MAX(\"sequence_number\") FROM \"event_journal\" WHERE \"persistence_id\" IN (" + placeholders + ") "
                + "GROUP BY \"persistence_id\"")) {
      for (int i = 0; i < sessionIds.size(); i++) select.setString(i + 1, prefix + sessionIds.get(i));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) seqs.put(rows.getString(1).substring(prefix.length()), rows.getLong(2));
      }
    }
    return seqs;
  }
}
