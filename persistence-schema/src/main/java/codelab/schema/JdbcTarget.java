package codelab.schema;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A database to connect to (PostgreSQL or H2), as a plain DataSource for migrations and tests. */
public record JdbcTarget(String url, String user, String password) {

  public boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  public DataSource dataSource() {
    if (isPostgres()) {
      PGSimpleDataSource pg = new PGSimpleDataSource();
      pg.setURL(url);
      pg.setUser(user);
      pg.setPassword(password);
      return pg;
    }
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(url);
    h2.setUser(user);
    h2.setPassword(password);
    return h2;
  }
}
