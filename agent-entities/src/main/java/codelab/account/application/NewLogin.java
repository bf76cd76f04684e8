package codelab.account.application;

import codelab.Retry;
import codelab.WorkflowSettings;
import codelab.account.RefreshTokenFamily;
import codelab.user.User;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A login: a new family of refresh tokens, remembered by its user so that "log out everywhere" can
 * end it. Starting a family is idempotent, so an attempt that timed out is made again; a family that
 * could not be remembered by its user is revoked before the login fails, so no login exists that
 * "log out everywhere" would miss.
 */
public final class NewLogin {

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;

  public NewLogin(ActorSystem<?> system, WorkflowSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /** Completes when the family is started and its user knows it; fails (after revoking the family) when that could not be done. */
  public CompletionStage<Done> start(String userId, String username, String scope, String familyId, String tokenHash, Instant expiresAt) {
    return Retry.onTimeout(settings.attempts(), () -> attempt(userId, username, scope, familyId, tokenHash, expiresAt))
        .exceptionallyCompose(failure -> revoke(familyId).thenCompose(revoked -> CompletableFuture.<Done>failedFuture(failure)));
  }

  private CompletionStage<Done> attempt(String userId, String username, String scope, String familyId, String tokenHash, Instant expiresAt) {
    return RefreshTokenFamily.entityRef(system, familyId)
        .<Done>ask(replyTo -> new RefreshTokenFamily.Start(userId, username, scope, tokenHash, expiresAt, replyTo), settings.askTimeout())
        .thenCompose(started -> User.entityRef(system, userId).ask(replyTo -> new User.AddLogin(familyId, replyTo), settings.askTimeout()));
  }

  /** Best effort: a family that cannot be revoked either was never started, or its tokens were never handed out. */
  private CompletionStage<Done> revoke(String familyId) {
    return RefreshTokenFamily.entityRef(system, familyId)
        .<RefreshTokenFamily.Holder>askWithStatus(replyTo -> new RefreshTokenFamily.Revoke("the login could not be recorded", replyTo), settings.askTimeout())
        .handle((holder, failure) -> Done.getInstance());
  }
}
