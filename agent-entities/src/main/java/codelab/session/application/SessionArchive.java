package codelab.session.application;

import codelab.Refusal;
import codelab.Retry;
import codelab.WorkflowSettings;
import codelab.session.Session;
import codelab.session.SessionError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Archives a session in its owner's name: what a workflow does to a session it cannot leave active
 * (its project was deleted, or it was created in a project that went away meanwhile). Archiving is
 * idempotent, so a timed-out attempt is made again; a session that is not (or no longer) the user's
 * has nothing to archive.
 */
public final class SessionArchive {

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;

  public SessionArchive(ActorSystem<?> system, WorkflowSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  public CompletionStage<Done> archive(String userId, String sessionId) {
    return Retry.onTimeout(
            settings.attempts(),
            () ->
                Session.entityRef(system, sessionId)
                    .<Session.Summary>askWithStatus(replyTo -> new Session.Archive(userId, replyTo), settings.askTimeout()))
        .thenApply(archived -> Done.getInstance())
        .exceptionallyCompose(
            failure ->
                Refusal.is(failure, SessionError.NOT_FOUND)
                    ? CompletableFuture.completedFuture(Done.getInstance())
                    : CompletableFuture.failedFuture(failure));
  }
}
