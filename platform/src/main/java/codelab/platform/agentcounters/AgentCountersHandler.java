package codelab.platform.agentcounters;

import codelab.platform.projection.PooledJdbcSession;
import codelab.session.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Counts each agent's turns (first attempts only: a re-run is the same turn) and the tokens of their
 * answers, in the projection's transaction with its offset, so each event counts exactly once. Turns
 * from before agents were entities name no agent and are not counted.
 */
final class AgentCountersHandler extends JdbcHandler<EventEnvelope<Session.Event>, PooledJdbcSession> {

  @Override
  public void process(PooledJdbcSession session, EventEnvelope<Session.Event> envelope) throws Exception {
    String sessionId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    int tag = Session.tagIndexOf(sessionId);
    Session.Event event = envelope.event();
    session.withConnection(connection -> {
      if (event instanceof Session.TurnStarted started && started.agentId() != null) {
        answeringAgent(connection, sessionId, started.agentId());
        add(connection, started.agentId(), tag, started.attempt() == 1 ? 1 : 0, 0, 0, started.at());
      } else if (event instanceof Session.AssistantReplied replied) {
        Optional<String> agentId = answeringAgent(connection, sessionId);
        if (agentId.isPresent()) {
          Session.Usage usage = replied.usage();
          add(connection, agentId.get(), tag, 0, usage == null ? 0 : usage.promptTokens(), usage == null ? 0 : usage.completionTokens(), replied.at());
        }
      }
      return null;
    });
  }

  /** Only this tag's projection writes this row, so update-else-insert cannot race. */
  private static void add(Connection connection, String agentId, int tag, long turns, long prompt, long completion, Instant at) throws SQLException {
    long nanos = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE agent_counters SET turns = turns + ?, prompt_tokens = prompt_tokens + ?, completion_tokens = completion_tokens + ?, "
            + "last_active = GREATEST(last_active, ?) WHERE agent_id = ? AND tag_index = ?")) {
      update.setLong(1, turns);
      update.setLong(2, prompt);
      update.setLong(3, completion);
      update.setLong(4, nanos);
      update.setString(5, agentId);
      update.setInt(6, tag);
      if (update.executeUpdate() > 0) return;
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO agent_counters (agent_id, tag_index, turns, prompt_tokens, completion_tokens, last_active) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, agentId);
      insert.setInt(2, tag);
      insert.setLong(3, turns);
      insert.setLong(4, prompt);
      insert.setLong(5, completion);
      insert.setLong(6, nanos);
      insert.executeUpdate();
    }
  }

  private static void answeringAgent(Connection connection, String sessionId, String agentId) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE agent_counter_turns SET agent_id = ? WHERE session_id = ?")) {
      update.setString(1, agentId);
      update.setString(2, sessionId);
      if (update.executeUpdate() > 0) return;
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO agent_counter_turns (session_id, agent_id) VALUES (?, ?)")) {
      insert.setString(1, sessionId);
      insert.setString(2, agentId);
      insert.executeUpdate();
    }
  }

  private static Optional<String> answeringAgent(Connection connection, String sessionId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT agent_id FROM agent_counter_turns WHERE session_id = ?")) {
      select.setString(1, sessionId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }
}
