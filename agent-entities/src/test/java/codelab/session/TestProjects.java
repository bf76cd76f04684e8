package codelab.session;

import codelab.project.Project;
import codelab.project.Projects;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;

/** The projects of the session tests: each spawned once in the fixture's test kit (its journal is the in-memory one), without sharding. */
final class TestProjects implements Projects {

  static final TestProjects INSTANCE = new TestProjects();

  private final Map<String, ActorRef<Project.Command>> spawned = new ConcurrentHashMap<>();

  @Override
  public RecipientRef<Project.Command> project(String projectId) {
    return spawned.computeIfAbsent(projectId, id -> SessionFixture.testKit.spawn(Project.create(id, Clock.systemUTC())));
  }

  /** The project as its sessions reach it, for a test to set up (create it, add rules). */
  ActorRef<Project.Command> ref(String projectId) {
    project(projectId);
    return spawned.get(projectId);
  }
}
