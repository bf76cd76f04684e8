package codelab.edge.auth;

import codelab.edge.ApiError;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The Bearer-token gate in front of every {@code /api/v1} route but register and health. */
public final class Authenticator extends AllDirectives {

  private final AccessTokens tokens;

  public Authenticator(AccessTokens tokens) {
    this.tokens = tokens;
  }

  public Route authenticated(Function<AuthenticatedUser, Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        header -> {
          Optional<String> token = header.flatMap(Authenticator::bearerToken);
          if (token.isEmpty()) return unauthorized("missing_token", "an Authorization: Bearer access token is required");
          Optional<AuthenticatedUser> user = verify(token.get());
          return user.map(inner).orElseGet(() -> unauthorized("invalid_token", "the access token is invalid or expired"));
        });
  }

  public Optional<AuthenticatedUser> verify(String token) {
    try {
      return Optional.of(tokens.verify(token));
    } catch (InvalidTokenException e) {
      return Optional.empty();
    }
  }

  public static Optional<String> bearerToken(String authorizationHeader) {
    String[] parts = authorizationHeader.trim().split("\\s+", 2);
    if (parts.length == 2 && parts[0].equalsIgnoreCase("bearer") && !parts[1].isBlank()) return Optional.of(parts[1].trim());
    return Optional.empty();
  }

  private Route unauthorized(String code, String message) {
    return complete(
        ApiError.response(StatusCodes.UNAUTHORIZED, "unauthorized", message)
            .addHeader(RawHeader.create("WWW-Authenticate", "Bearer error=\"" + code + "\"")));
  }
}
