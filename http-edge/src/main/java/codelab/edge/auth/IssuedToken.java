package codelab.edge.auth;

/** A freshly signed access token and its lifetime, as the token endpoint returns them ({@code expires_in}). */
public record IssuedToken(String token, long expiresInSeconds) {

  /** A bearer token in a log line is a stolen session. */
  @Override
  public String toString() {
    return "IssuedToken[token=<redacted>, expiresInSeconds=" + expiresInSeconds + "]";
  }
}
