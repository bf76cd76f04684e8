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
 * journal entry: the journal's highest sequence number for the session is read in the same query
 * (one primary-key lookup per row), so a list never shows a session older than the session is.
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
    String sql =
        "SELECT " + SessionListRows.COLUMNS + ", "
            // the journal's names are quoted lower case: as H2's journal schema has them, and the same names on PostgreSQL
            + "(SELECT MAX(j.\"sequence_number\") FROM \"event_journal\" j WHERE j.\"persistence_id\" = CONCAT('" + Session.ENTITY_KEY.name() + "|', l.session_id)) AS journal_seq "
            + "FROM session_list l WHERE l.owner_id = ? AND l.session_id IN (" + placeholders + ")";
    Map<String, Session.Summary> current = new HashMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, ownerId);
      for (int i = 0; i < sessionIds.size(); i++) select.setString(i + 2, sessionIds.get(i));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          SessionListing listing = SessionListRows.read(rows);
          if (listing.lastSeq() >= rows.getLong("journal_seq")) current.put(listing.sessionId(), listing.summary());
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the session list: " + e.getMessage(), e);
    }
    return current;
  }
}
