package codelab.edge.auth;

import codelab.account.UserAccount;
import codelab.edge.ApiError;
import codelab.edge.JsonResponses;
import com.fasterxml.jackson.databind.JsonNode;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * Registration, the OAuth2 token endpoint (password grant), the JWKS and {@code /api/v1/me}.
 * Password hashing runs on the blocking executor: bcrypt at cost 12 takes a few hundred
 * milliseconds of CPU and must not stall the actors and streams on the default dispatcher.
 */
public final class AuthRoutes extends AllDirectives {

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{2,31}");
  private static final int MIN_PASSWORD = 10;
  private static final int MAX_PASSWORD = 1024;
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final AccessTokens tokens;
  private final SigningKeys keys;
  private final PasswordHasher hasher;
  private final Executor blocking;
  private final Authenticator authenticator;

  public AuthRoutes(
      ActorSystem<?> system, AccessTokens tokens, SigningKeys keys, PasswordHasher hasher, Executor blocking) {
    this.system = system;
    this.tokens = tokens;
    this.keys = keys;
    this.hasher = hasher;
    this.blocking = blocking;
    this.authenticator = new Authenticator(tokens);
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  public Route routes() {
    return concat(
        path(segment(".well-known").slash("jwks.json"), () -> get(() -> JsonResponses.complete(StatusCodes.OK, keys.jwks()))),
        path(
            segment("oauth").slash("token"),
            () -> post(() -> handleRejections(oauthRejections(), () -> formFieldMap(this::token)))),
        pathPrefix(
            "api",
            () ->
                pathPrefix(
                    "v1",
                    () ->
                        concat(
                            path(segment("auth").slash("register"), () -> post(() -> JsonResponses.withJsonObject(this::register))),
                            path("me", () -> get(() -> authenticator.authenticated(this::me)))))));
  }

  private Route register(JsonNode body) {
    String username = body.path("username").asText("");
    String password = body.path("password").asText("");
    if (!USERNAME.matcher(username).matches()) {
      return complete(ApiError.badRequest("username must be 3 to 32 characters: letters, digits, '_', '.', '-', starting with a letter or digit"));
    }
    if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
      return complete(ApiError.badRequest("password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters long"));
    }
    if (password.equalsIgnoreCase(username)) {
      return complete(ApiError.badRequest("password must not be the username"));
    }
    String userId = UUID.randomUUID().toString();
    CompletionStage<HttpResponse> response =
        CompletableFuture.supplyAsync(() -> hasher.hash(password), blocking)
            .thenCompose(
                hash ->
                    UserAccount.entityRef(system, username)
                        .<StatusReply<UserAccount.Registered>>ask(
                            replyTo -> new UserAccount.Register(userId, username, hash, replyTo), ASK_TIMEOUT))
            .thenApply(
                reply -> {
                  if (reply.isError()) {
                    return ApiError.response(StatusCodes.CONFLICT, "conflict", "username '" + username + "' is already taken");
                  }
                  return JsonResponses.response(
                      StatusCodes.CREATED, Map.of("user_id", reply.getValue().userId(), "username", reply.getValue().username()));
                });
    return completeWithFuture(response);
  }

  private Route token(Map<String, String> form) {
    String grantType = form.getOrDefault("grant_type", "");
    if (grantType.isEmpty()) return oauthError(StatusCodes.BAD_REQUEST, "invalid_request", "grant_type is required");
    if (!grantType.equals("password")) {
      return oauthError(StatusCodes.BAD_REQUEST, "unsupported_grant_type", "supported grant types: password");
    }
    String username = form.getOrDefault("username", "");
    String password = form.getOrDefault("password", "");
    if (username.isBlank() || password.isEmpty()) {
      return oauthError(StatusCodes.BAD_REQUEST, "invalid_request", "username and password are required");
    }
    String scope = form.getOrDefault("scope", "").isBlank() ? "api" : form.get("scope").trim();
    CompletionStage<HttpResponse> response =
        UserAccount.entityRef(system, username)
            .ask(UserAccount.GetCredentials::new, ASK_TIMEOUT)
            .thenApplyAsync(
                credentials -> {
                  // an unknown name costs the same bcrypt work as a wrong password: no user enumeration by timing
                  boolean valid =
                      credentials.exists()
                          ? hasher.verify(password, credentials.passwordHash())
                          : hasher.verifyAgainstNothing(password);
                  if (!valid) return oauthErrorResponse(StatusCodes.BAD_REQUEST, "invalid_grant", "invalid username or password");
                  IssuedToken issued = tokens.issue(credentials.userId(), credentials.username(), scope);
                  Map<String, Object> body = new LinkedHashMap<>();
                  body.put("access_token", issued.token());
                  body.put("token_type", "bearer");
                  body.put("expires_in", issued.expiresInSeconds());
                  body.put("scope", scope);
                  return noStore(JsonResponses.response(StatusCodes.OK, body));
                },
                blocking);
    return completeWithFuture(response);
  }

  /** A body that is not a readable form gets OAuth2's own error format, as every answer of this endpoint does. */
  private RejectionHandler oauthRejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            r -> complete(oauthErrorResponse(StatusCodes.BAD_REQUEST, "invalid_request", "the body is not a valid form (application/x-www-form-urlencoded, URL-encoded values)")))
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r -> complete(oauthErrorResponse(StatusCodes.BAD_REQUEST, "invalid_request", "send the parameters as application/x-www-form-urlencoded")))
        .build();
  }

  private Route me(AuthenticatedUser user) {
    return JsonResponses.complete(
        StatusCodes.OK, Map.of("user_id", user.userId(), "username", user.username(), "scope", user.scope()));
  }

  private Route oauthError(org.apache.pekko.http.javadsl.model.StatusCode status, String error, String description) {
    return complete(oauthErrorResponse(status, error, description));
  }

  private static HttpResponse oauthErrorResponse(
      org.apache.pekko.http.javadsl.model.StatusCode status, String error, String description) {
    return noStore(JsonResponses.response(status, Map.of("error", error, "error_description", description)));
  }

  private static HttpResponse noStore(HttpResponse response) {
    return response.addHeader(RawHeader.create("Cache-Control", "no-store")).addHeader(RawHeader.create("Pragma", "no-cache"));
  }
}
