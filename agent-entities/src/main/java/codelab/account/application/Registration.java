package codelab.account.application;

import codelab.WorkflowSettings;
import codelab.account.AccountEmail;
import codelab.account.EmailAddress;
import codelab.account.UserAccount;
import codelab.account.Username;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A registration: the account under its username and, when one is given, its e-mail address claimed
 * for it, so that an address belongs to one account and a login may name it. The address is claimed
 * first; an account that then cannot be registered (its name is taken, or no answer came) gives the
 * address up again, so a failed registration keeps nobody from using it.
 */
public final class Registration {

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;

  public Registration(ActorSystem<?> system, WorkflowSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /** Fails with the refusal of {@link codelab.account.AccountError#EMAIL_TAKEN} or {@code USERNAME_TAKEN}. */
  public CompletionStage<UserAccount.Registered> register(
      String userId, Username account, String username, String passwordHash, Optional<EmailAddress> email, UserAccount.Origin origin) {
    return claim(userId, account, email)
        .thenCompose(
            claimed ->
                UserAccount.entityRef(system, account)
                    .<UserAccount.Registered>askWithStatus(
                        replyTo -> new UserAccount.Register(userId, username, passwordHash, email.map(EmailAddress::value).orElse(null), origin, replyTo),
                        settings.askTimeout())
                    .exceptionallyCompose(failure -> release(userId, email).thenCompose(released -> CompletableFuture.failedFuture(failure))));
  }

  private CompletionStage<Done> claim(String userId, Username account, Optional<EmailAddress> email) {
    if (email.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    return AccountEmail.entityRef(system, email.get())
        .askWithStatus(replyTo -> new AccountEmail.Claim(userId, account.value(), replyTo), settings.askTimeout());
  }

  /** Best effort: an address whose release got no answer stays claimed by an account that does not exist. */
  private CompletionStage<Done> release(String userId, Optional<EmailAddress> email) {
    if (email.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    return AccountEmail.entityRef(system, email.get())
        .<Done>ask(replyTo -> new AccountEmail.Release(userId, replyTo), settings.askTimeout())
        .handle((released, failure) -> Done.getInstance());
  }
}
