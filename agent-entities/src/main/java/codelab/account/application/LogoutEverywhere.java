package codelab.account.application;

import codelab.Refusal;
import codelab.Retry;
import codelab.WorkflowSettings;
import codelab.account.RefreshTokenError;
import codelab.account.RefreshTokenFamily;
import codelab.account.UserAccount;
import codelab.account.Username;
import codelab.user.User;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Ends every login of a user: the user hands over (and forgets) its login families, each family is
 * revoked, and the account's audit records it. The user forgets the families as it hands them over,
 * so their revocations are what must not be lost: each is retried on a timeout (revoking is
 * idempotent) before the workflow fails.
 */
public final class LogoutEverywhere {

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;

  public LogoutEverywhere(ActorSystem<?> system, WorkflowSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /** The number of logins ended. */
  public CompletionStage<Integer> logOut(String userId, Username username, UserAccount.Origin origin) {
    return User.entityRef(system, userId)
        .<List<String>>ask(User.EndAllLogins::new, settings.askTimeout())
        .thenCompose(families -> revokeAll(families).thenApply(revoked -> families.size()))
        .thenCompose(
            count ->
                UserAccount.entityRef(system, username)
                    .<Done>ask(
                        replyTo -> new UserAccount.RecordSecurityEvent("logout_everywhere", count + " login(s) ended", origin, replyTo),
                        settings.askTimeout())
                    .thenApply(recorded -> count));
  }

  private CompletionStage<Done> revokeAll(List<String> families) {
    CompletableFuture<?>[] revocations =
        families.stream().map(familyId -> Retry.onTimeout(settings.attempts(), () -> revoke(familyId)).toCompletableFuture()).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(revocations).thenApply(all -> Done.getInstance());
  }

  /** A family that was never started (its login failed halfway) has nothing to revoke. */
  private CompletionStage<Done> revoke(String familyId) {
    return RefreshTokenFamily.entityRef(system, familyId)
        .<RefreshTokenFamily.Holder>askWithStatus(replyTo -> new RefreshTokenFamily.Revoke("logged out everywhere", replyTo), settings.askTimeout())
        .handle((holder, failure) -> failure == null || Refusal.is(failure, RefreshTokenError.INVALID) ? null : failure)
        .thenCompose(failure -> failure == null ? CompletableFuture.completedFuture(Done.getInstance()) : CompletableFuture.failedFuture(failure));
  }
}
