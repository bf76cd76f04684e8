package codelab.platform.agentcounters;

import codelab.agent.application.AgentCounters;
import codelab.platform.Database;
import codelab.platform.projection.SessionEventProjection;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The agents' counters (turns, tokens, last active): the session events are projected into the
 * agent_counters table, and {@link JdbcAgentCounters} reads it. A node that starts on a journal
 * written before this table existed counts every turn since agents became entities.
 */
public final class AgentCounterProjection {

  private AgentCounterProjection() {}

  public static AgentCounters init(ActorSystem<?> system, Database database, Executor blocking) {
    DataSource dataSource = database.pool(system, "agent-counters", 2);
    SessionEventProjection.run(system, "agent-counters", dataSource, AgentCountersHandler::new);
    return new JdbcAgentCounters(dataSource, blocking);
  }
}
