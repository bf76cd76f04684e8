package codelab.platform;

import codelab.schema.JdbcTarget;
import codelab.schema.SchemaMigrations;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The node's database: PostgreSQL when {@code codelab.db.url} (CODELAB_DB_URL) is set, otherwise an
 * H2 file under the data directory, so that a node runs with no setup at all.
 */
public record Database(Kind kind, String url, String user, String password) {

  public enum Kind {
    H2("slick.jdbc.H2Profile$", "org.h2.Driver", "h2-dialect"),
    POSTGRES("slick.jdbc.PostgresProfile$", "org.postgresql.Driver", "postgres-dialect");

    final String slickProfile;
    final String driver;
    final String projectionDialect;

    Kind(String slickProfile, String driver, String projectionDialect) {
      this.slickProfile = slickProfile;
      this.driver = driver;
      this.projectionDialect = projectionDialect;
    }
  }

  public static Database from(Config config) {
    String url = config.getString("codelab.db.url").trim();
    if (url.isEmpty()) {
      Path file = Path.of(config.getString("codelab.data-dir")).toAbsolutePath().normalize().resolve("codelab");
      // DB_CLOSE_ON_EXIT: the node closes the database during coordinated shutdown, after the journal's
      // last write. WRITE_DELAY=0: a commit reaches the file at once (by default H2 waits up to 500 ms,
      // and a killed process would lose what the journal had confirmed).
      return new Database(Kind.H2, "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", "sa", "");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("CODELAB_DB_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got: " + url);
    }
    // batched journal writes become multi-row inserts
    String tuned = url.contains("reWriteBatchedInserts") ? url : url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
    return new Database(Kind.POSTGRES, tuned, config.getString("codelab.db.user"), config.getString("codelab.db.password"));
  }

  /** The pekko-persistence-jdbc connection settings and the projections' SQL dialect for this database. */
  public Config pekkoConfig() {
    String prefix = "pekko-persistence-jdbc.shared-databases.codelab.";
    return ConfigFactory.parseMap(
        Map.of(
            prefix + "profile", kind.slickProfile,
            prefix + "db.url", url,
            prefix + "db.user", user,
            prefix + "db.password", password,
            prefix + "db.driver", kind.driver,
            "pekko.projection.jdbc.dialect", kind.projectionDialect));
  }

  public DataSource dataSource() {
    return new JdbcTarget(url, user, password).dataSource();
  }

  /** A connection pool of its own for a read side (its projection and its queries), closed as the node stops. */
  public DataSource pool(ActorSystem<?> system, String name, int size) {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(url);
    pool.setUsername(user);
    pool.setPassword(password);
    pool.setMaximumPoolSize(size);
    pool.setPoolName(name);
    HikariDataSource dataSource = new HikariDataSource(pool);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-" + name + "-pool",
            () -> {
              dataSource.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    return dataSource;
  }

  public void migrate() {
    SchemaMigrations.migrate(dataSource());
  }

  /** Where the data lives, without the password, for the start-up log. */
  public String describe() {
    return kind + " " + url.replaceAll("password=[^&;]*", "password=***");
  }
}
