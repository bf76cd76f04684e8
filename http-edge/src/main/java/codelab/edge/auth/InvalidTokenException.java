package codelab.edge.auth;

/**
 * An access token that must not be accepted. The message is the short reason only: never the token,
 * never claim values, so it is safe to log and to return in an error body.
 */
public final class InvalidTokenException extends RuntimeException {

  public enum Reason {
    MALFORMED("malformed token"),
    UNSUPPORTED("unsupported token type or algorithm"),
    UNKNOWN_KEY("unknown signing key"),
    BAD_SIGNATURE("invalid signature"),
    WRONG_TYPE("not an access token"),
    WRONG_ISSUER("wrong issuer"),
    WRONG_AUDIENCE("wrong audience"),
    MISSING_CLAIM("required claim missing"),
    INVALID_CLAIM("invalid claim"),
    EXPIRED("token expired"),
    NOT_YET_VALID("token not yet valid");

    private final String description;

    Reason(String description) {
      this.description = description;
    }
  }

  private final Reason reason;

  public InvalidTokenException(Reason reason) {
    // No cause and no stack trace: jjwt's messages can quote claim values, and a rejected token is an
    // expected event on a hot path, not a bug to trace.
    super(reason.description, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
