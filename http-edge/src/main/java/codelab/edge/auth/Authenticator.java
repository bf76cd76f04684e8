package codelab.edge.auth;

import codelab.edge.ApiError;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.apache.pekko.http.javadsl.model.HttpHeader;
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
    return authorizationHeader(
        header -> {
          Optional<String> token = header.flatMap(Authenticator::bearerToken);
          if (token.isEmpty()) return unauthorized("missing_token", "an Authorization: Bearer access token is required");
          Optional<AuthenticatedUser> user = verify(token.get());
          return user.map(inner).orElseGet(() -> unauthorized("invalid_token", "the access token is invalid or expired"));
        });
  }

  /**
   * The request's Authorization header, if it has one; more than one is a 400 before any is read: which
   * copy counts would otherwise depend on who reads the request (a proxy may check the last, we the first).
   */
  public Route authorizationHeader(Function<Optional<String>, Route> inner) {
    return extractRequest(
        request -> {
          List<String> values =
              StreamSupport.stream(request.getHeaders().spliterator(), false).filter(h -> h.is("authorization")).map(HttpHeader::value).toList();
          if (values.size() > 1) return complete(ApiError.badRequest("send at most one Authorization header"));
          return inner.apply(values.stream().findFirst());
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
