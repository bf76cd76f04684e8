package codelab.account.application;

import codelab.WorkflowSettings;
import codelab.account.AccountEmail;
import codelab.account.EmailAddress;
import codelab.account.Username;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The account a login names: a username as it is, or an e-mail address as the account it belongs to
 * (the CodeLab IDE's login field says "Email or username"). Anything else names no account.
 */
public final class LoginName {

  private final ActorSystem<?> system;
  private final WorkflowSettings settings;

  public LoginName(ActorSystem<?> system, WorkflowSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  public CompletionStage<Optional<Username>> account(String name) {
    Optional<Username> username = Username.parse(name);
    if (username.isPresent()) return CompletableFuture.completedFuture(username);
    Optional<EmailAddress> email = EmailAddress.parse(name);
    if (email.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
    return AccountEmail.entityRef(system, email.get())
        .ask(AccountEmail.GetOwner::new, settings.askTimeout())
        .thenApply(owner -> owner.account().flatMap(Username::parse));
  }
}
