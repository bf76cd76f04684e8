package codelab.session.application;

import codelab.Refusal;
import codelab.WorkflowSettings;
import codelab.project.Project;
import codelab.project.ProjectError;
import codelab.session.Session;
import codelab.user.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A user's sessions and a project's sessions, a page at a time, newest first. Which sessions are on
 * the page (and how many there are) comes from the user's or the project's directory, which holds
 * their ids; what the page shows of each comes from the {@link SessionDirectory} read side. Only a
 * session whose listing lags behind its events (it was written to in the last moments, or the read
 * side is still catching up after an upgrade) is asked itself: a client sees its own writes, and an
 * idle user's list wakes no session.
 */
public final class SessionLists {

  public record Page(List<Session.Summary> sessions, int total) {}

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;
  private final SessionDirectory directory;

  public SessionLists(ActorSystem<?> system, WorkflowSettings settings, SessionDirectory directory) {
    this.system = system;
    this.settings = settings;
    this.directory = directory;
  }

  public CompletionStage<Page> ofUser(String userId, int offset, int limit) {
    return User.entityRef(system, userId)
        .<User.SessionPage>ask(replyTo -> new User.ListSessions(offset, limit, replyTo), settings.askTimeout())
        .thenCompose(page -> page(userId, page.sessionIds(), page.total()));
  }

  /** Empty when the project is not the user's. */
  public CompletionStage<Optional<Page>> ofProject(String userId, String projectId, int offset, int limit) {
    return Project.entityRef(system, projectId)
        .<Project.SessionPage>askWithStatus(replyTo -> new Project.ListSessions(userId, offset, limit, replyTo), settings.askTimeout())
        .thenCompose(page -> page(userId, page.sessionIds(), page.total()).thenApply(Optional::of))
        .exceptionallyCompose(
            failure ->
                Refusal.is(failure, ProjectError.NOT_FOUND) ? CompletableFuture.completedFuture(Optional.empty()) : CompletableFuture.failedFuture(failure));
  }

  private CompletionStage<Page> page(String userId, List<String> sessionIds, int total) {
    return directory
        .current(userId, sessionIds)
        .thenCompose(
            listed -> {
              List<CompletableFuture<Optional<Session.Summary>>> rows = new ArrayList<>(sessionIds.size());
              for (String id : sessionIds) {
                Session.Summary known = listed.get(id);
                rows.add(known != null ? CompletableFuture.completedFuture(Optional.of(known)) : asked(userId, id).toCompletableFuture());
              }
              return CompletableFuture.allOf(rows.toArray(CompletableFuture[]::new))
                  .thenApply(all -> new Page(rows.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList(), total));
            });
  }

  /** A session that cannot be read (it refuses, or never came to exist) is left out of the page, as before. */
  private CompletionStage<Optional<Session.Summary>> asked(String userId, String sessionId) {
    return Session.entityRef(system, sessionId)
        .<Session.Summary>askWithStatus(replyTo -> new Session.GetSummary(userId, replyTo), settings.askTimeout())
        .thenApply(Optional::of)
        .exceptionallyCompose(
            failure -> Refusal.reason(failure).isPresent() ? CompletableFuture.completedFuture(Optional.empty()) : CompletableFuture.failedFuture(failure));
  }
}
