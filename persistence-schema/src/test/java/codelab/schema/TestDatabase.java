package codelab.schema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A database of its own for one test: a file-backed H2 database in a temporary folder, or a freshly
 * created database on the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth). PostgreSQL
 * is required: when it is not reachable the test fails, it is never skipped.
 */
public record TestDatabase(Kind kind, String url, String user, String password) {

  public enum Kind {
    H2,
    POSTGRES
  }

  public static final String POSTGRES_ADMIN_URL =
      System.getProperty("codelab.test.postgres-url", "jdbc:postgresql://127.0.0.1:5432/postgres");
  public static final String POSTGRES_USER = System.getProperty("codelab.test.postgres-user", "postgres");

  public static TestDatabase create(Kind kind, Path tempDir) {
    return kind == Kind.H2 ? h2(tempDir) : freshPostgres();
  }

  public static TestDatabase h2(Path dir) {
    return new TestDatabase(Kind.H2, "jdbc:h2:file:" + dir.resolve("codelab").toAbsolutePath(), "sa", "");
  }

  public static TestDatabase freshPostgres() {
    String name = "codelab_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection admin = DriverManager.getConnection(POSTGRES_ADMIN_URL, POSTGRES_USER, "");
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL is required for the tests and is not reachable at "
              + POSTGRES_ADMIN_URL
              + " ("
              + e.getMessage()
              + "). Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
          e);
    }
    String url = POSTGRES_ADMIN_URL.substring(0, POSTGRES_ADMIN_URL.lastIndexOf('/') + 1) + name;
    return new TestDatabase(Kind.POSTGRES, url, POSTGRES_USER, "");
  }

  public DataSource dataSource() {
    return new JdbcTarget(url, user, password).dataSource();
  }

  /** Drops a PostgreSQL test database (H2 files go with their temporary folder). */
  public void drop() {
    if (kind != Kind.POSTGRES) return;
    String name = url.substring(url.lastIndexOf('/') + 1);
    try (Connection admin = DriverManager.getConnection(POSTGRES_ADMIN_URL, POSTGRES_USER, "");
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      // a leftover test database is harmless; the next run creates its own
    }
  }
}
