package codelab.edge.auth;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.account.RefreshTokenError;
import codelab.account.RefreshTokenFamily;
import codelab.Refusal;
import codelab.account.UserAccount;
import codelab.account.Username;
import codelab.account.application.LoginName;
import codelab.account.application.NewLogin;
import codelab.edge.JsonResponses;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;

/**
 * The OAuth2 endpoints: {@code POST /oauth/token} (password and refresh_token grants) and
 * {@code POST /oauth/revoke} (RFC 7009). Every answer is in OAuth2's own format and not cacheable.
 * Password checks run on the blocking executor (bcrypt), and an unknown user, like a name that cannot
 * be a username, costs the same check as a wrong password. Both endpoints share one rate limit per
 * client address.
 */
public final class TokenEndpoint extends AllDirectives {

  private static final String BAD_LOGIN =
      "invalid username or password, or the account is locked for a while after too many failed attempts";

  private final ActorSystem<?> system;
  private final AccessTokens tokens;
  private final PasswordHasher hasher;
  private final Executor blocking;
  private final AuthSettings settings;
  private final Clock clock;
  private final Duration askTimeout;
  private final NewLogin newLogin;
  private final LoginName loginName;

  public TokenEndpoint(
      ActorSystem<?> system, AccessTokens tokens, PasswordHasher hasher, Executor blocking, AuthSettings settings, Clock clock,
      Duration askTimeout, NewLogin newLogin, LoginName loginName) {
    this.system = system;
    this.tokens = tokens;
    this.hasher = hasher;
    this.blocking = blocking;
    this.settings = settings;
    this.clock = clock;
    this.askTimeout = askTimeout;
    this.newLogin = newLogin;
    this.loginName = loginName;
  }

  public Route routes() {
    return pathPrefix(
        "oauth",
        () ->
            post(
                () ->
                    handleRejections(
                        oauthRejections(),
                        () ->
                            ClientOrigin.extract(
                                origin ->
                                    withinRateLimit(
                                        origin,
                                        () ->
                                            formFieldMultiMap(
                                                fields ->
                                                    singleValued(
                                                        fields,
                                                        form ->
                                                            concat(
                                                                path("token", () -> token(form, origin)),
                                                                path("revoke", () -> revoke(form, origin))))))))));
  }

  private Route withinRateLimit(UserAccount.Origin origin, Supplier<Route> inner) {
    OptionalLong retryAfter = settings.tokenRequests().acquire(origin.ip());
    return retryAfter.isPresent() ? complete(rateLimited(retryAfter.getAsLong())) : inner.get();
  }

  /**
   * RFC 6749 §3.1: a parameter must not be sent twice. Taking either copy would let a request say one
   * thing to whatever read it before us (a proxy, a log) and another to us.
   */
  private Route singleValued(Map<String, List<String>> fields, Function<Map<String, String>, Route> inner) {
    Optional<String> repeated = fields.entrySet().stream().filter(field -> field.getValue().size() > 1).map(Map.Entry::getKey).findFirst();
    if (repeated.isPresent()) {
      return complete(error(StatusCodes.BAD_REQUEST, "invalid_request", "parameter '" + repeated.get() + "' was given more than once"));
    }
    Map<String, String> form = new HashMap<>();
    fields.forEach((name, values) -> form.put(name, values.get(0)));
    return inner.apply(form);
  }

  private Route token(Map<String, String> form, UserAccount.Origin origin) {
    Optional<HttpResponse> clientProblem = checkClient(form);
    if (clientProblem.isPresent()) return complete(clientProblem.get());
    String grantType = form.getOrDefault("grant_type", "");
    return switch (grantType) {
      case "password" -> completeWithFuture(passwordGrant(form, origin));
      case "refresh_token" -> completeWithFuture(refreshGrant(form, origin));
      case "" -> complete(error(StatusCodes.BAD_REQUEST, "invalid_request", "grant_type is required"));
      default -> complete(error(StatusCodes.BAD_REQUEST, "unsupported_grant_type", "supported grant types: password, refresh_token"));
    };
  }

  private CompletionStage<HttpResponse> passwordGrant(Map<String, String> form, UserAccount.Origin origin) {
    String username = form.getOrDefault("username", "");
    String password = form.getOrDefault("password", "");
    if (username.isBlank() || password.isEmpty()) {
      return CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, "invalid_request", "username and password are required"));
    }
    Optional<String> scope = Scopes.granted(form.get("scope"));
    if (scope.isEmpty()) {
      return CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, "invalid_scope", "the one scope issued is '" + Scopes.DEFAULT + "'"));
    }
    return loginName
        .account(username)
        .thenCompose(
            account ->
                account.isEmpty()
                    ? noSuchAccount(password)
                    : passwordGrant(UserAccount.entityRef(system, account.get()), password, scope.get(), form.get("client_id"), origin));
  }

  /** A name no account can have: the answer and its cost are those of a wrong password, and no account is asked. */
  private CompletionStage<HttpResponse> noSuchAccount(String password) {
    return CompletableFuture.supplyAsync(
        () -> {
          hasher.verifyAgainstNothing(password);
          return badLogin();
        },
        blocking);
  }

  private CompletionStage<HttpResponse> passwordGrant(
      EntityRef<UserAccount.Command> account, String password, String scope, String clientId, UserAccount.Origin origin) {
    return account
        .ask(UserAccount.GetCredentials::new, askTimeout)
        .thenApplyAsync(
            credentials -> {
              if (!credentials.exists()) {
                hasher.verifyAgainstNothing(password);
                return Optional.<Boolean>empty();
              }
              // a locked account checks nothing, but costs the caller the same time as a check
              if (credentials.lockedAt(clock.instant())) {
                hasher.verifyAgainstNothing(password);
                return Optional.of(false);
              }
              return Optional.of(hasher.verify(password, credentials.passwordHash()));
            },
            blocking)
        .thenCompose(
            checked -> {
              if (checked.isEmpty()) return CompletableFuture.completedFuture(badLogin());
              boolean success = checked.get();
              return account
                  .<UserAccount.Credentials>ask(replyTo -> new UserAccount.RecordLogin(success, origin, replyTo), askTimeout)
                  .thenCompose(
                      credentials ->
                          success
                              ? newLogin(credentials.userId(), credentials.username(), scope, clientId)
                              : CompletableFuture.completedFuture(badLogin()));
            });
  }

  /** A login: a new family of refresh tokens, remembered by the user so that they can all be ended. */
  private CompletionStage<HttpResponse> newLogin(String userId, String username, String scope, String clientId) {
    RefreshTokens.Minted refresh = RefreshTokens.mintNewFamily();
    return newLogin
        .start(userId, username, scope, refresh.familyId(), refresh.hash(), clock.instant().plus(settings.refreshTokenLifetime()))
        .thenApply(done -> tokenResponse(userId, username, scope, clientId, refresh.token()));
  }

  private CompletionStage<HttpResponse> refreshGrant(Map<String, String> form, UserAccount.Origin origin) {
    String presented = form.getOrDefault("refresh_token", "");
    if (presented.isBlank()) {
      return CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, "invalid_request", "refresh_token is required"));
    }
    Optional<String> familyId = RefreshTokens.familyOf(presented);
    if (familyId.isEmpty()) {
      return CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, "invalid_grant", RefreshTokenError.INVALID.message()));
    }
    RefreshTokens.Minted next = RefreshTokens.mint(familyId.get());
    return RefreshTokenFamily.entityRef(system, familyId.get())
        .<RefreshTokenFamily.Rotation>ask(
            replyTo -> new RefreshTokenFamily.Rotate(RefreshTokens.hash(presented), next.hash(), replyTo), askTimeout)
        .thenCompose(
            rotation -> {
              RefreshTokenFamily.Holder holder = rotation.holder();
              return switch (rotation.outcome()) {
                case RefreshTokenFamily.Rotation.ROTATED ->
                    audit(holder, "refresh_rotation", "login " + familyId.get(), origin)
                        .thenApply(done ->
                            tokenResponse(holder.userId(), holder.username(), Scopes.stillKnown(holder.scope()), form.get("client_id"), next.token()));
                case RefreshTokenFamily.Rotation.REUSED ->
                    audit(holder, "refresh_reuse_detected", "login " + familyId.get() + " revoked", origin)
                        .thenApply(done -> error(StatusCodes.BAD_REQUEST, "invalid_grant", RefreshTokenError.INVALID.message()));
                default -> CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, "invalid_grant", RefreshTokenError.INVALID.message()));
              };
            });
  }

  /**
   * RFC 7009: 200 whatever the token was; a refresh token ends its login. Access tokens expire on
   * their own (15 min). Public clients need not name themselves here: the token is the credential,
   * so {@code client_id} may be left out, but a client that names itself must be a known one.
   */
  private Route revoke(Map<String, String> form, UserAccount.Origin origin) {
    Optional<HttpResponse> clientProblem = form.containsKey("client_id") ? checkClient(form) : Optional.empty();
    if (clientProblem.isPresent()) return complete(clientProblem.get());
    String token = form.getOrDefault("token", "");
    if (token.isBlank()) return complete(error(StatusCodes.BAD_REQUEST, "invalid_request", "token is required"));
    Optional<String> familyId = RefreshTokens.familyOf(token);
    if (familyId.isEmpty()) return complete(noStore(HttpResponse.create().withStatus(StatusCodes.OK)));
    CompletionStage<HttpResponse> revoked =
        RefreshTokenFamily.entityRef(system, familyId.get())
            .<RefreshTokenFamily.Holder>askWithStatus(replyTo -> new RefreshTokenFamily.Revoke("revoked by its holder", replyTo), askTimeout)
            .thenCompose(holder -> audit(holder, "token_revoked", "login " + familyId.get(), origin))
            .exceptionallyCompose(
                failure -> Refusal.reason(failure).isPresent() ? CompletableFuture.completedFuture(Done.getInstance()) : CompletableFuture.failedFuture(failure))
            .thenApply(done -> noStore(HttpResponse.create().withStatus(StatusCodes.OK)));
    return completeWithFuture(revoked);
  }

  private CompletionStage<Done> audit(RefreshTokenFamily.Holder holder, String kind, String detail, UserAccount.Origin origin) {
    // every login was made under a username, so a holder's name always parses; one that did not would have no account
    Optional<Username> account = holder == null ? Optional.empty() : Username.parse(holder.username());
    if (account.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    return UserAccount.entityRef(system, account.get())
        .ask(replyTo -> new UserAccount.RecordSecurityEvent(kind, detail, origin, replyTo), askTimeout);
  }

  private Optional<HttpResponse> checkClient(Map<String, String> form) {
    String clientId = form.getOrDefault("client_id", "");
    if (clientId.isBlank() || !settings.clients().contains(clientId)) {
      return Optional.of(
          error(StatusCodes.UNAUTHORIZED, "invalid_client", "unknown or missing client_id")
              .addHeader(RawHeader.create("WWW-Authenticate", "Basic realm=\"codelab\"")));
    }
    return Optional.empty();
  }

  /** OAuth2's token response (RFC 6749 §5.1). */
  record TokenBody(String accessToken, String tokenType, long expiresIn, String refreshToken, String scope) {}

  /** OAuth2's error response (RFC 6749 §5.2). */
  record OAuthError(String error, String errorDescription) {}

  private HttpResponse tokenResponse(String userId, String username, String scope, String clientId, String refreshToken) {
    IssuedToken issued = tokens.issue(userId, username, scope, clientId);
    return noStore(JsonResponses.response(StatusCodes.OK, new TokenBody(issued.token(), "bearer", issued.expiresInSeconds(), refreshToken, scope)));
  }

  static HttpResponse rateLimited(long retryAfterSeconds) {
    return error(StatusCodes.TOO_MANY_REQUESTS, "slow_down", "too many requests from this address; retry later")
        .addHeader(RawHeader.create("Retry-After", String.valueOf(retryAfterSeconds)));
  }

  /** A body that is not a readable form gets OAuth2's own error format, as every answer of these endpoints does. */
  private RejectionHandler oauthRejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            r -> complete(error(StatusCodes.BAD_REQUEST, "invalid_request", "the body is not a valid form (application/x-www-form-urlencoded, URL-encoded values)")))
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r -> complete(error(StatusCodes.BAD_REQUEST, "invalid_request", "send the parameters as application/x-www-form-urlencoded")))
        .build();
  }

  private static HttpResponse badLogin() {
    return error(StatusCodes.BAD_REQUEST, "invalid_grant", BAD_LOGIN);
  }

  static HttpResponse error(StatusCode status, String error, String description) {
    return noStore(JsonResponses.response(status, new OAuthError(error, description)));
  }

  private static HttpResponse noStore(HttpResponse response) {
    return response.addHeader(RawHeader.create("Cache-Control", "no-store")).addHeader(RawHeader.create("Pragma", "no-cache"));
  }
}
