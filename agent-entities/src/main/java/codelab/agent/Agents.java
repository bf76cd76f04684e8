package codelab.agent;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;

/** The agents, reached by id: through sharding on a node; a test may reach agents it spawned itself. */
@FunctionalInterface
public interface Agents {

  RecipientRef<Agent.Command> agent(String agentId);

  static Agents sharded(ActorSystem<?> system) {
    return agentId -> Agent.entityRef(system, agentId);
  }
}
