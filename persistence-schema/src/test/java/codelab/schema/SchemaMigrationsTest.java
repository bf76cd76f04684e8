package codelab.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaMigrationsTest {

  @TempDir Path tempDir;

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void createsTheJournalTablesOnceAndIsIdempotent(TestDatabase.Kind kind) throws SQLException {
    TestDatabase database = TestDatabase.create(kind, tempDir);
    try {
      DataSource dataSource = database.dataSource();

      assertEquals(6, SchemaMigrations.migrate(dataSource).migrationsExecuted, "every migration, once");
      assertEquals(0, SchemaMigrations.migrate(dataSource).migrationsExecuted);

      Set<String> tables = tableNames(dataSource);
      for (String expected : Set.of("event_journal", "event_tag", "snapshot", "durable_state", "session_wakeup", "session_list", "pekko_projection_offset_store",
          "agent_memory", "agent_memory_clock")) {
        assertTrue(tables.contains(expected), () -> expected + " missing from " + tables);
      }
    } finally {
      database.drop();
    }
  }

  private static Set<String> tableNames(DataSource dataSource) throws SQLException {
    Set<String> names = new HashSet<>();
    try (Connection connection = dataSource.getConnection();
        ResultSet rs = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) names.add(rs.getString("TABLE_NAME").toLowerCase());
    }
    return names;
  }
}
