package codelab.platform.memory;

import codelab.agent.memory.Memory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.postgresql.PGStatement;

/**
 * The agent_memory and agent_memory_clock tables (V7__agent_memory.sql): the SQL of every read and
 * write of memories, on a connection the caller owns (and, for writes, its transaction).
 */
final class MemoryTable {

  /** An agent's clock row: its last change number, its live memories, and how far evictions reached. */
  record Counts(long changeNo, long live, long evictedThrough) {}

  /** A memory to insert, with the change number that adds it and its stored vector. */
  record NewRow(Memory memory, long changeNo, byte[] embedding) {}

  /** The memory stored for a turn, and whether it has been deleted since. */
  record TurnRow(Memory memory, boolean deleted) {}

  private static final String MEMORY_COLUMNS = "memory_id, agent_id, text, session_id, seq, created_at";
  private static final int BATCH = 1000;

  private MemoryTable() {}

  /**
   * Advances the agent's clock by {@code changes} numbers and answers the counts after it. Holds the
   * clock row's lock until the transaction ends: the agent's changes commit one after another, in
   * the order of their numbers, which is what lets a reader catch up by number.
   */
  static Counts advance(Connection connection, String agentId, int changes) throws SQLException {
    if (bump(connection, agentId, changes) == 0) {
      // the agent's first change; a concurrent first change may insert the row before us
      Savepoint beforeInsert = connection.setSavepoint();
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO agent_memory_clock (agent_id, change_no, live, evicted_through) VALUES (?, ?, 0, 0)")) {
        insert.setString(1, agentId);
        insert.setLong(2, changes);
        insert.executeUpdate();
        connection.releaseSavepoint(beforeInsert);
      } catch (SQLException e) {
        if (!isUniqueViolation(e)) throw e;
        connection.rollback(beforeInsert);
        if (bump(connection, agentId, changes) == 0) throw new SQLException("the clock row of agent " + agentId + " vanished", e);
      }
    }
    return counts(connection, agentId).orElseThrow();
  }

  static Optional<Counts> counts(Connection connection, String agentId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT change_no, live, evicted_through FROM agent_memory_clock WHERE agent_id = ?")) {
      select.setString(1, agentId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(new Counts(row.getLong(1), row.getLong(2), row.getLong(3))) : Optional.empty();
      }
    }
  }

  static void setCounts(Connection connection, String agentId, long live, long evictedThrough) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE agent_memory_clock SET live = ?, evicted_through = ? WHERE agent_id = ?")) {
      update.setLong(1, live);
      update.setLong(2, evictedThrough);
      update.setString(3, agentId);
      update.executeUpdate();
    }
  }

  static void insert(Connection connection, List<NewRow> rows) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO agent_memory (" + MEMORY_COLUMNS + ", added_no, change_no, deleted, embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)")) {
      int pending = 0;
      for (NewRow row : rows) {
        Memory memory = row.memory();
        insert.setString(1, memory.id());
        insert.setString(2, memory.agentId());
        insert.setString(3, memory.text());
        if (memory.sessionId() == null) insert.setNull(4, Types.VARCHAR);
        else insert.setString(4, memory.sessionId());
        insert.setLong(5, memory.seq());
        insert.setLong(6, nanos(memory.createdAt()));
        insert.setLong(7, row.changeNo());
        insert.setLong(8, row.changeNo());
        insert.setBytes(9, row.embedding());
        insert.addBatch();
        if (++pending == BATCH) {
          insert.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) insert.executeBatch();
    }
  }

  /** Marks a memory deleted by change {@code changeNo}, dropping its text and vector; false if the agent has no such live memory. */
  static boolean markDeleted(Connection connection, String agentId, String memoryId, long changeNo) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE agent_memory SET deleted = TRUE, text = '', embedding = NULL, change_no = ? "
                + "WHERE memory_id = ? AND agent_id = ? AND deleted = FALSE")) {
      update.setLong(1, changeNo);
      update.setString(2, memoryId);
      update.setString(3, agentId);
      return update.executeUpdate() == 1;
    }
  }

  /**
   * Removes the agent's {@code count} oldest live memories, and every deleted row older than they
   * are, and answers the added number through which all are gone.
   */
  static long evictOldest(Connection connection, String agentId, long evictedThrough, long count) throws SQLException {
    long through;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT added_no FROM agent_memory WHERE agent_id = ? AND added_no > ? AND deleted = FALSE ORDER BY added_no LIMIT 1 OFFSET ?")) {
      select.setString(1, agentId);
      select.setLong(2, evictedThrough);
      select.setLong(3, count - 1);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) throw new SQLException("agent " + agentId + " has fewer than " + count + " memories to evict");
        through = row.getLong(1);
      }
    }
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM agent_memory WHERE agent_id = ? AND added_no <= ?")) {
      delete.setString(1, agentId);
      delete.setLong(2, through);
      delete.executeUpdate();
    }
    return through;
  }

  /** The agent's rows changed after {@code changeNo}, in change order, streamed (a cold cache reads all of them). */
  static void changesSince(Connection connection, String agentId, long changeNo, Consumer<MemoryVectors.Change> change)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT memory_id, added_no, change_no, deleted, embedding FROM agent_memory WHERE agent_id = ? AND change_no > ? ORDER BY change_no")) {
      // PostgreSQL streams with a fetch size only inside a transaction (the caller's)
      select.setFetchSize(2000);
      // and sends the vectors as bytes rather than hex text only to a statement prepared on the server,
      // which by default it is from the fifth run on a connection: a cold load is usually an early one
      if (select.isWrapperFor(PGStatement.class)) select.unwrap(PGStatement.class).setPrepareThreshold(-1);
      select.setString(1, agentId);
      select.setLong(2, changeNo);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          change.accept(new MemoryVectors.Change(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getBoolean(4), rows.getBytes(5)));
        }
      }
    }
  }

  static Optional<TurnRow> turn(Connection connection, String agentId, String sessionId, long seq) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + MEMORY_COLUMNS + ", deleted FROM agent_memory WHERE agent_id = ? AND session_id = ? AND seq = ?")) {
      select.setString(1, agentId);
      select.setString(2, sessionId);
      select.setLong(3, seq);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(new TurnRow(memory(row), row.getBoolean("deleted"))) : Optional.empty();
      }
    }
  }

  /** How many live memories the agent has, counted from its rows. */
  static long liveCount(Connection connection, String agentId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM agent_memory WHERE agent_id = ? AND deleted = FALSE")) {
      select.setString(1, agentId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** The agent's live memories, newest first. */
  static List<Memory> newestFirst(Connection connection, String agentId, int offset, int limit) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + MEMORY_COLUMNS + " FROM agent_memory WHERE agent_id = ? AND deleted = FALSE ORDER BY added_no DESC LIMIT ? OFFSET ?")) {
      select.setString(1, agentId);
      select.setInt(2, limit);
      select.setInt(3, offset);
      try (ResultSet rows = select.executeQuery()) {
        List<Memory> memories = new ArrayList<>();
        while (rows.next()) memories.add(memory(rows));
        return memories;
      }
    }
  }

  /** Those of {@code memoryIds} that are the agent's and not deleted, by id. */
  static Map<String, Memory> live(Connection connection, String agentId, Collection<String> memoryIds) throws SQLException {
    if (memoryIds.isEmpty()) return Map.of();
    String placeholders = String.join(", ", Collections.nCopies(memoryIds.size(), "?"));
    // by the primary key alone: with agent_id in the condition PostgreSQL may also read the agent's
    // whole index (a bitmap AND over 100,000 entries) before its statistics know better
    try (PreparedStatement select =
        connection.prepareStatement("SELECT " + MEMORY_COLUMNS + ", deleted FROM agent_memory WHERE memory_id IN (" + placeholders + ")")) {
      int parameter = 1;
      for (String id : memoryIds) select.setString(parameter++, id);
      Map<String, Memory> found = new HashMap<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Memory memory = memory(rows);
          if (memory.agentId().equals(agentId) && !rows.getBoolean("deleted")) found.put(memory.id(), memory);
        }
      }
      return found;
    }
  }

  static boolean isUniqueViolation(SQLException e) {
    // the SQL standard's state, which PostgreSQL and H2 both use
    return "23505".equals(e.getSQLState());
  }

  private static int bump(Connection connection, String agentId, int changes) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE agent_memory_clock SET change_no = change_no + ? WHERE agent_id = ?")) {
      update.setInt(1, changes);
      update.setString(2, agentId);
      return update.executeUpdate();
    }
  }

  private static Memory memory(ResultSet row) throws SQLException {
    return new Memory(
        row.getString("memory_id"),
        row.getString("agent_id"),
        row.getString("text"),
        row.getString("session_id"),
        row.getLong("seq"),
        instant(row.getLong("created_at")));
  }

  private static long nanos(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
