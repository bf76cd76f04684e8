package codelab.load.node;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database on the local PostgreSQL for one node run, dropped afterwards, so that every run
 * starts from an empty journal and runs do not see each other's rows.
 */
public final class PostgresDatabase implements AutoCloseable {

  public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  public static final String USER = "postgres";

  private final String name;

  private PostgresDatabase(String name) {
    this.name = name;
  }

  public static PostgresDatabase create(String purpose) {
    String name = "codelab_load_" + purpose.replaceAll("[^a-z0-9]", "_") + "_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection admin = admin(); Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create a database on the local PostgreSQL (" + SERVER + ", user " + USER + "): " + e.getMessage(), e);
    }
    return new PostgresDatabase(name);
  }

  public String url() {
    return SERVER + name;
  }

  public String name() {
    return name;
  }

  /** A connection to this database, for reading the journal while the node writes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), USER, "");
  }

  @Override
  public void close() {
    try (Connection admin = admin(); Statement statement = admin.createStatement()) {
      // FORCE: the node may have been killed with its connections still open
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      System.err.println("could not drop load-test database " + name + ": " + e.getMessage());
    }
  }

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection(SERVER + "postgres", USER, "");
  }
}
