package codelab.account;

import codelab.EntityError;
import java.util.Optional;

/** Why a {@link UserAccount} refused a command (see {@link EntityError}: the messages are the identity). */
public enum AccountError implements EntityError {
  /** No account by that name, or not the caller's: someone else's account is "not found", never "forbidden". */
  NOT_FOUND("not found", Kind.NOT_FOUND),
  /** The first registration of a name wins; this is the answer to the others. */
  USERNAME_TAKEN("username is taken", Kind.CONFLICT),
  /** An address belongs to one account ({@link AccountEmail}): the first claim wins. */
  EMAIL_TAKEN("email is taken", Kind.CONFLICT);

  private final String message;
  private final Kind kind;

  AccountError(String message, Kind kind) {
    this.message = message;
    this.kind = kind;
  }

  @Override
  public String message() {
    return message;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  /** The error a refusal's message names; empty for a message that is not an account's refusal. */
  public static Optional<AccountError> ofMessage(String message) {
    return EntityError.ofMessage(AccountError.class, message);
  }
}
