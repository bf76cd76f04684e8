package codelab.project.application;

import codelab.Refusal;
import codelab.WorkflowSettings;
import codelab.project.Project;
import codelab.project.ProjectError;
import codelab.user.User;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A user's projects, a page at a time, oldest first (the default project, made on first use, leads).
 * Projects are small entities: each on the page is asked for its summary.
 */
public final class ProjectLists {

  public record Page(List<Project.Summary> projects, int total) {}

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;
  private final DefaultProject defaultProject;

  public ProjectLists(ActorSystem<?> system, WorkflowSettings settings, DefaultProject defaultProject) {
    this.system = system;
    this.settings = settings;
    this.defaultProject = defaultProject;
  }

  public CompletionStage<Page> ofUser(String userId, int offset, int limit) {
    return defaultProject
        .ensure(userId)
        .thenCompose(
            ensured ->
                User.entityRef(system, userId).<User.ProjectPage>ask(replyTo -> new User.ListProjects(offset, limit, replyTo), settings.askTimeout()))
        .thenCompose(page -> summaries(userId, page.projectIds()).thenApply(projects -> new Page(projects, page.total())));
  }

  /** A project no longer found (deleted since) is left out of the page. */
  private CompletionStage<List<Project.Summary>> summaries(String userId, List<String> projectIds) {
    List<CompletableFuture<Project.Summary>> asks =
        projectIds.stream()
            .map(
                id ->
                    Project.entityRef(system, id)
                        .<Project.Summary>askWithStatus(replyTo -> new Project.Get(userId, replyTo), settings.askTimeout())
                        .exceptionallyCompose(
                            failure ->
                                Refusal.is(failure, ProjectError.NOT_FOUND)
                                    ? CompletableFuture.completedFuture(null)
                                    : CompletableFuture.failedFuture(failure))
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(all -> asks.stream().map(CompletableFuture::join).filter(p -> p != null).toList());
  }
}
