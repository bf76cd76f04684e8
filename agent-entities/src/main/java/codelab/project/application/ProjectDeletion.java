package codelab.project.application;

import codelab.Refusal;
import codelab.Retry;
import codelab.WorkflowSettings;
import codelab.project.Project;
import codelab.project.ProjectError;
import codelab.session.application.SessionArchive;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Deletes a project; its sessions are archived, not orphaned. The sessions are archived first and
 * the project deleted last, so an attempt that stopped halfway is made again and finds the project
 * and the rest of its sessions still there (archiving twice is harmless). Once deleted, the project
 * answers "not found", to its owner as to anyone.
 */
public final class ProjectDeletion {

  /** Session ids read per page of the project's list. */
  private static final int PAGE = 500;

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;
  private final SessionArchive archive;

  public ProjectDeletion(ActorSystem<?> system, WorkflowSettings settings, SessionArchive archive) {
    this.system = system;
    this.settings = settings;
    this.archive = archive;
  }

  /** True when the project was the caller's and is now deleted; false when there was no such project of theirs. */
  public CompletionStage<Boolean> delete(String userId, String projectId) {
    return Retry.onTimeout(
        settings.attempts(),
        () ->
            sessionsOf(userId, projectId, 0, new ArrayList<>())
                .thenCompose(sessionIds -> archiveAll(userId, sessionIds))
                .thenCompose(
                    archived ->
                        Project.entityRef(system, projectId)
                            .<Done>askWithStatus(replyTo -> new Project.Delete(userId, replyTo), settings.askTimeout()))
                .thenApply(deleted -> true)
                .exceptionallyCompose(
                    failure ->
                        Refusal.is(failure, ProjectError.NOT_FOUND) ? CompletableFuture.completedFuture(false) : CompletableFuture.failedFuture(failure)));
  }

  private CompletionStage<List<String>> sessionsOf(String userId, String projectId, int offset, List<String> found) {
    return Project.entityRef(system, projectId)
        .<Project.SessionPage>askWithStatus(replyTo -> new Project.ListSessions(userId, offset, PAGE, replyTo), settings.askTimeout())
        .thenCompose(
            page -> {
              found.addAll(page.sessionIds());
              boolean more = !page.sessionIds().isEmpty() && found.size() < page.total();
              return more ? sessionsOf(userId, projectId, offset + page.sessionIds().size(), found) : CompletableFuture.completedFuture(found);
            });
  }

  private CompletionStage<Done> archiveAll(String userId, List<String> sessionIds) {
    CompletableFuture<?>[] archived =
        sessionIds.stream().map(id -> archive.archive(userId, id).toCompletableFuture()).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(archived).thenApply(all -> Done.getInstance());
  }
}
