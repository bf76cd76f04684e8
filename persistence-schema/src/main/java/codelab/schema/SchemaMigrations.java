package codelab.schema;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a database to the schema this release expects: the pekko-persistence-jdbc journal, snapshot
 * and durable-state tables plus the read-side tables. Runs at node start-up in the embedded setup;
 * in Kubernetes a Job runs it once before the rollout.
 */
public final class SchemaMigrations {

  private SchemaMigrations() {}

  /** Applies every pending migration for the database behind {@code dataSource} (PostgreSQL or H2). */
  public static MigrateResult migrate(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        // the journal's tables differ per database; the read-side tables are written to suit both
        .locations("classpath:db/migration/" + dialectOf(dataSource), "classpath:db/migration/common")
        .load()
        .migrate();
  }

  static String dialectOf(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      String product = connection.getMetaData().getDatabaseProductName().toLowerCase();
      if (product.contains("postgres")) return "postgresql";
      if (product.contains("h2")) return "h2";
      throw new IllegalArgumentException("unsupported database: " + product + " (PostgreSQL or H2 expected)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reach the database to migrate it: " + e.getMessage(), e);
    }
  }
}
