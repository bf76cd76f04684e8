package codelab.session;

import codelab.agent.Agent;
import codelab.agent.Agents;
import codelab.llm.ModelCatalog;
import codelab.llm.ModelInfo;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;

/** The agents of the session tests: each spawned once in the fixture's test kit (its journal is the in-memory one), without sharding. */
final class TestAgents implements Agents {

  static final TestAgents INSTANCE = new TestAgents();
  static final ModelCatalog MODELS = ModelCatalog.of(new ModelInfo("scripted", "openai", 32_768));

  private final Map<String, ActorRef<Agent.Command>> spawned = new ConcurrentHashMap<>();

  @Override
  public RecipientRef<Agent.Command> agent(String agentId) {
    return spawned.computeIfAbsent(agentId, id -> SessionFixture.testKit.spawn(Agent.create(id, MODELS, Clock.systemUTC())));
  }
}
