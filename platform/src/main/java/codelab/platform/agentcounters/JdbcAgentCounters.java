package codelab.platform.agentcounters;

import codelab.agent.application.AgentCounters;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** Reads the agent_counters table: each agent's rows (one per session tag) summed. */
final class JdbcAgentCounters implements AgentCounters {

  private final DataSource dataSource;
  private final Executor blocking;

  JdbcAgentCounters(DataSource dataSource, Executor blocking) {
    this.dataSource = dataSource;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Map<String, Counters>> of(List<String> agentIds) {
    if (agentIds.isEmpty()) return CompletableFuture.completedFuture(Map.of());
    return CompletableFuture.supplyAsync(() -> read(agentIds), blocking);
  }

  private Map<String, Counters> read(List<String> agentIds) {
    String placeholders = String.join(", ", Collections.nCopies(agentIds.size(), "?"));
    Map<String, Counters> counters = new HashMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT agent_id, SUM(turns), SUM(prompt_tokens), SUM(completion_tokens), MAX(last_active) FROM agent_counters "
                + "WHERE agent_id IN (" + placeholders + ") GROUP BY agent_id")) {
      for (int i = 0; i < agentIds.size(); i++) select.setString(i + 1, agentIds.get(i));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          long nanos = rows.getLong(5);
          counters.put(rows.getString(1), new Counters(rows.getLong(2), rows.getLong(3), rows.getLong(4),
              Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the agent counters: " + e.getMessage(), e);
    }
    return counters;
  }
}
