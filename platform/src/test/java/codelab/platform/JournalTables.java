package codelab.platform;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The pekko-persistence-jdbc tables as JSON (binary columns in base64), and back into another
 * database of either kind: how a fixture journal travels from the release that wrote it to the tests
 * of a later one.
 */
final class JournalTables {

  /** In insertion order: a tag refers to its event's ordering. */
  static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot");

  private JournalTables() {}

  static ObjectNode dump(TestDatabase database) throws SQLException {
    ObjectNode tables = ApiClient.JSON.createObjectNode();
    try (Connection connection = database.dataSource().getConnection()) {
      for (String table : TABLES) {
        ArrayNode rows = tables.putArray(table);
        try (Statement statement = connection.createStatement();
            ResultSet result = statement.executeQuery("SELECT * FROM \"" + table + "\"")) {
          ResultSetMetaData meta = result.getMetaData();
          while (result.next()) {
            ObjectNode row = rows.addObject();
            for (int column = 1; column <= meta.getColumnCount(); column++) {
              String name = meta.getColumnName(column).toLowerCase();
              Object value = result.getObject(column);
              if (value == null) row.putNull(name);
              else if (isBinary(meta.getColumnType(column))) row.put(name, Base64.getEncoder().encodeToString(result.getBytes(column)));
              else if (value instanceof Boolean b) row.put(name, b);
              else if (value instanceof Number n) row.put(name, n.longValue());
              else row.put(name, value.toString());
            }
          }
        }
      }
    }
    return tables;
  }

  /** Inserts the dumped rows into a migrated, empty database, and moves its sequences past them. */
  static void load(JsonNode tables, TestDatabase database) throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      for (String table : TABLES) {
        for (JsonNode row : tables.get(table)) insert(connection, table, row);
      }
      long maxOrdering = 0;
      for (JsonNode row : tables.get("event_journal")) maxOrdering = Math.max(maxOrdering, row.get("ordering").asLong());
      try (Statement statement = connection.createStatement()) {
        if (database.kind() == TestDatabase.Kind.POSTGRES) {
          statement.execute("SELECT setval(pg_get_serial_sequence('event_journal', 'ordering'), " + maxOrdering + ")");
        } else {
          statement.execute("ALTER TABLE \"event_journal\" ALTER COLUMN \"ordering\" RESTART WITH " + (maxOrdering + 1));
        }
      }
    }
  }

  private static void insert(Connection connection, String table, JsonNode row) throws SQLException {
    List<String> columns = new ArrayList<>();
    row.fieldNames().forEachRemaining(columns::add);
    String sql = "INSERT INTO \"" + table + "\" (" + String.join(", ", columns.stream().map(c -> "\"" + c + "\"").toList())
        + ") VALUES (" + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      Map<String, Integer> types = columnTypes(connection, table);
      int index = 1;
      for (Iterator<String> it = columns.iterator(); it.hasNext(); index++) {
        String column = it.next();
        JsonNode value = row.get(column);
        int type = types.get(column);
        if (value.isNull()) statement.setNull(index, type);
        else if (isBinary(type)) statement.setBytes(index, Base64.getDecoder().decode(value.asText()));
        else if (value.isBoolean()) statement.setBoolean(index, value.asBoolean());
        else if (value.isNumber()) statement.setLong(index, value.asLong());
        else statement.setString(index, value.asText());
      }
      statement.executeUpdate();
    }
  }

  private static Map<String, Integer> columnTypes(Connection connection, String table) throws SQLException {
    Map<String, Integer> types = new java.util.HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT * FROM \"" + table + "\" WHERE 1 = 0")) {
      ResultSetMetaData meta = result.getMetaData();
      for (int column = 1; column <= meta.getColumnCount(); column++) types.put(meta.getColumnName(column).toLowerCase(), meta.getColumnType(column));
    }
    return types;
  }

  private static boolean isBinary(int type) {
    return type == Types.BLOB || type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY;
  }
}
