package codelab.session;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;

/** The sessions, reached by id: through sharding on a node; a test may reach sessions it spawned itself (a plan's task sessions). */
@FunctionalInterface
public interface Sessions {

  RecipientRef<Session.Command> session(String sessionId);

  static Sessions sharded(ActorSystem<?> system) {
    return sessionId -> Session.entityRef(system, sessionId);
  }
}
