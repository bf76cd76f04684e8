package codelab.platform.projection;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/** One transaction on a pooled connection: a projection's handler and its offset commit together. */
public final class PooledJdbcSession implements JdbcSession {

  private final Connection connection;

  public PooledJdbcSession(DataSource dataSource) {
    try {
      connection = dataSource.getConnection();
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open a database connection: " + e.getMessage(), e);
    }
  }

  @Override
  public <Result> Result withConnection(Function<Connection, Result> work) throws Exception {
    return work.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
