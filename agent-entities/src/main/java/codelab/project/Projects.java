package codelab.project;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;

/** The projects, reached by id: through sharding on a node; a test may reach projects it spawned itself. */
@FunctionalInterface
public interface Projects {

  RecipientRef<Project.Command> project(String projectId);

  static Projects sharded(ActorSystem<?> system) {
    return projectId -> Project.entityRef(system, projectId);
  }
}
