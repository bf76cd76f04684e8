package codelab.load.node;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Counts the rows of the node's PostgreSQL {@code event_journal} over its own JDBC connection: the
 * journal events/s figure is read from the database itself, not from what the clients infer.
 */
public final class JournalCounter implements AutoCloseable {

  private final Connection connection;

  public JournalCounter(PostgresDatabase database) {
    try {
      this.connection = database.connect();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to " + database.url() + ": " + e.getMessage(), e);
    }
  }

  public synchronized long events() {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM event_journal")) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count event_journal rows: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing a connection to a database about to be dropped
    }
  }
}
