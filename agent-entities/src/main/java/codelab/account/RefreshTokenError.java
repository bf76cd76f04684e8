package codelab.account;

import codelab.EntityError;
import java.util.Optional;

/**
 * Why a {@link RefreshTokenFamily} refused a command (see {@link EntityError}: the messages are the
 * identity). A rotation is not refused but answered with its outcome, since a reused token is news
 * the caller must act on.
 */
public enum RefreshTokenError implements EntityError {
  /** Also the OAuth error description of every refresh token that does not rotate: a client is not told which it was. */
  INVALID("refresh token is invalid, expired or revoked", Kind.INVALID);

  private final String message;
  private final Kind kind;

  RefreshTokenError(String message, Kind kind) {
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

  /** The error a refusal's message names; empty for a message that is not a refresh token family's refusal. */
  public static Optional<RefreshTokenError> ofMessage(String message) {
    return EntityError.ofMessage(RefreshTokenError.class, message);
  }
}
