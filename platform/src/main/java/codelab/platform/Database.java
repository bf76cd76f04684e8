package codelab.platform;

import codelab.schema.JdbcTarget;
import codelab.schema.SchemaMigrations;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The node's database: PostgreSQL when {@code codelab.db.url} (CODELAB_DB_URL) is set, otherwise an
 * H2 file under the data directory, so that a node runs with no setup at all.
 */
public record Database(Kind kind, String url, String user, String password) {

  public enum Kind {
    H2("slick.jdbc.H2Profile$", "org.h2.Driver"),
    POSTGRES("slick.jdbc.PostgresProfile$", "org.postgresql.Driver");

    final String slickProfile;
    final String driver;

    Kind(String slickProfile, String driver) {
      this.slickProfile = slickProfile;
      this.driver = driver;
    }
  }

  public static Database from(Config config) {
    String url = config.getString("codelab.db.url").trim();
    if (url.isEmpty()) {
      Path file = Path.of(config.getString("codelab.data-dir")).toAbsolutePath().normalize().resolve("codelab");
      // the node closes the database itself during coordinated shutdown, after the journal's last write
      return new Database(Kind.H2, "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("CODELAB_DB_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got: " + url);
    }
    // batched journal writes become multi-row inserts
    String tuned = url.contains("reWriteBatchedInserts") ? url : url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
    return new Database(Kind.POSTGRES, tuned, config.getString("codelab.db.user"), config.getString("codelab.db.password"));
  }

  /** The pekko-persistence-jdbc connection settings for this database. */
  public Config pekkoConfig() {
    String prefix = "pekko-persistence-jdbc.shared-databases.codelab.";
    return ConfigFactory.parseMap(
        Map.of(
            prefix + "profile", kind.slickProfile,
            prefix + "db.url", url,
            prefix + "db.user", user,
            prefix + "db.password", password,
            prefix + "db.driver", kind.driver));
  }

  public DataSource dataSource() {
    return new JdbcTarget(url, user, password).dataSource();
  }

  public void migrate() {
    SchemaMigrations.migrate(dataSource());
  }

  /** Where the data lives, without the password, for the start-up log. */
  public String describe() {
    return kind + " " + url.replaceAll("password=[^&;]*", "password=***");
  }
}
