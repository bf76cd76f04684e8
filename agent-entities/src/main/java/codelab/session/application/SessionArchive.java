package codelab.session.application;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Archives a session: what a workflow does to a session it cannot leave active (its project was
 * deleted, or it was created in a project that went away meanwhile). Archiving twice is harmless.
 */
@FunctionalInterface
public interface SessionArchive {

  CompletionStage<Done> archive(String userId, String sessionId);

  /**
   * Until the session entity can be archived (its {@code Archive} command comes with the session
   * split), archiving does nothing. TODO: wire {@code Session.Archive} here once it is on main.
   */
  static SessionArchive notYetAvailable() {
    return (userId, sessionId) -> CompletableFuture.completedFuture(Done.getInstance());
  }
}
