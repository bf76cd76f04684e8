package codelab.project.application;

import codelab.Retry;
import codelab.WorkflowSettings;
import codelab.agent.application.ProjectAgents;
import codelab.project.Project;
import codelab.user.User;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Creates a project with its starter team and adds it to its owner's projects. Every step is
 * idempotent for one project id (creating a project the caller already owns answers it; the team's
 * ids derive from the project's), so an attempt that timed out is made again with the same id and
 * completes what the first one began.
 */
public final class ProjectCreation {

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;
  private final ProjectAgents agents;

  public ProjectCreation(ActorSystem<?> system, WorkflowSettings settings) {
    this.system = system;
    this.settings = settings;
    this.agents = new ProjectAgents(system, settings);
  }

  public CompletionStage<Project.Summary> create(String userId, String name, String description) {
    return create(userId, UUID.randomUUID().toString(), name, description);
  }

  CompletionStage<Project.Summary> create(String userId, String projectId, String name, String description) {
    return Retry.onTimeout(
        settings.attempts(),
        () ->
            Project.entityRef(system, projectId)
                .<Project.Summary>askWithStatus(replyTo -> new Project.Create(userId, name, description, replyTo), settings.askTimeout())
                .thenCompose(project -> agents.formStarterTeam(userId, projectId).thenApply(team -> project))
                .thenCompose(
                    project ->
                        User.entityRef(system, userId)
                            .<Done>ask(replyTo -> new User.AddProject(projectId, replyTo), settings.askTimeout())
                            .thenApply(added -> project)));
  }
}
