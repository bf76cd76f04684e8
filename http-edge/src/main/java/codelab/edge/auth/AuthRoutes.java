package codelab.edge.auth;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.Refusal;
import codelab.WorkflowSettings;
import codelab.account.AccountError;
import codelab.account.EmailAddress;
import codelab.account.UserAccount;
import codelab.account.Username;
import codelab.account.application.LoginName;
import codelab.account.application.LogoutEverywhere;
import codelab.account.application.NewLogin;
import codelab.account.application.Registration;
import codelab.edge.ApiError;
import codelab.edge.ErrorHandling;
import codelab.edge.JsonResponses;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Accounts: registration, the OAuth2 endpoints, the JWKS, {@code /api/v1/me}, the user's security
 * events, and logging out everywhere. Password hashing runs on the blocking executor: bcrypt at cost
 * 12 takes a few hundred milliseconds of CPU and must not stall the actors and streams.
 */
public final class AuthRoutes extends AllDirectives {

  private static final int MIN_PASSWORD = 10;
  private static final int MAX_PASSWORD = 1024;
  /** Something@something.something: mail is not sent to it here, so no more is checked. */

  private final ActorSystem<?> system;
  private final SigningKeys keys;
  private final PasswordHasher hasher;
  private final Executor blocking;
  private final AuthSettings settings;
  private final Authenticator authenticator;
  private final TokenEndpoint tokenEndpoint;
  private final ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut;
  private final Duration askTimeout;
  private final LogoutEverywhere logoutEverywhere;
  private final Registration registration;

  public AuthRoutes(
      ActorSystem<?> system,
      AccessTokens tokens,
      SigningKeys keys,
      PasswordHasher hasher,
      Executor blocking,
      AuthSettings settings,
      ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut,
      Duration askTimeout,
      WorkflowSettings workflows) {
    this.system = system;
    this.keys = keys;
    this.hasher = hasher;
    this.blocking = blocking;
    this.settings = settings;
    this.loggedOut = loggedOut;
    this.askTimeout = askTimeout;
    this.logoutEverywhere = new LogoutEverywhere(system, workflows);
    this.authenticator = new Authenticator(tokens);
    this.tokenEndpoint =
        new TokenEndpoint(
            system, tokens, hasher, blocking, settings, Clock.systemUTC(), askTimeout, new NewLogin(system, workflows),
            new LoginName(system, workflows));
    this.registration = new Registration(system, workflows);
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  public Route routes() {
    return concat(
        path(segment(".well-known").slash("jwks.json"), () -> get(() -> JsonResponses.complete(StatusCodes.OK, keys.jwks()))),
        tokenEndpoint.routes(),
        pathPrefix(
            segment("api").slash("v1"),
            () ->
                concat(
                    path(
                        segment("auth").slash("register"),
                        () -> post(() -> ClientOrigin.extract(origin -> JsonResponses.withJsonObject(body -> register(body, origin))))),
                    path(
                        segment("auth").slash("logout-all"),
                        () -> post(() -> authenticator.authenticated(user -> ClientOrigin.extract(origin -> logoutEverywhere(user, origin))))),
                    path("me", () -> get(() -> authenticator.authenticated(this::me))),
                    path(segment("me").slash("security-events"), () -> get(() -> authenticator.authenticated(this::securityEvents))))));
  }

  private Route register(JsonNode body, UserAccount.Origin origin) {
    OptionalLong retryAfter = settings.registrations().acquire(origin.ip());
    if (retryAfter.isPresent()) return complete(tooManyRegistrations(retryAfter.getAsLong()));
    // a number or an array is not read as its text: what was checked is what gets registered
    String username = string(body, "username").orElse("");
    Optional<Username> account = Username.parse(username);
    if (account.isEmpty()) return complete(ApiError.badRequest(Username.RULE));
    String password = string(body, "password").orElse("");
    if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
      return complete(ApiError.badRequest("password must be a string of " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters"));
    }
    if (password.equalsIgnoreCase(username)) {
      return complete(ApiError.badRequest("password must not be the username"));
    }
    JsonNode emailField = body.get("email");
    boolean hasEmail = emailField != null && !emailField.isNull();
    Optional<EmailAddress> email = hasEmail && emailField.isTextual() ? EmailAddress.parse(emailField.textValue().strip()) : Optional.empty();
    if (hasEmail && email.isEmpty()) return complete(ApiError.badRequest(EmailAddress.RULE));
    String userId = UUID.randomUUID().toString();
    CompletionStage<HttpResponse> response =
        CompletableFuture.supplyAsync(() -> hasher.hash(password), blocking)
            .thenCompose(hash -> registration.register(userId, account.get(), username, hash, email, origin))
            .thenApply(registered -> JsonResponses.response(StatusCodes.CREATED, new RegisteredBody(registered.userId(), registered.username())))
            .exceptionallyCompose(failure -> ErrorHandling.onRefusal(failure, reason -> refused(reason, username)));
    return completeWithFuture(response);
  }

  /** A registration's refusals, told with the name the caller asked for: the address, or else the name, is taken. */
  private static HttpResponse refused(String reason, String username) {
    return AccountError.ofMessage(reason)
        .filter(AccountError.EMAIL_TAKEN::equals)
        .map(taken -> ErrorHandling.refused(taken, "email is already taken by another account"))
        .orElseGet(() -> ErrorHandling.refused(AccountError.USERNAME_TAKEN, "username '" + username + "' is already taken"));
  }

  private static Optional<String> string(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
  }

  /** Registration is a REST route, so its 429 is in the contract's error format (the OAuth endpoints have their own). */
  private static HttpResponse tooManyRegistrations(long retryAfterSeconds) {
    return ApiError.response(StatusCodes.TOO_MANY_REQUESTS, "rate_limited", "too many registrations from this address; retry later")
        .addHeader(RawHeader.create("Retry-After", String.valueOf(retryAfterSeconds)));
  }

  /** Every login of the user ends (its refresh tokens are revoked) and their open sockets close. */
  private Route logoutEverywhere(AuthenticatedUser user, UserAccount.Origin origin) {
    CompletionStage<HttpResponse> done =
        logoutEverywhere
            .logOut(user.userId(), user.account(), origin)
            .thenApply(
                ended -> {
                  loggedOut.tell(Topic.publish(new LoggedOutEverywhere(user.userId())));
                  return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
                });
    return completeWithFuture(done);
  }

  record RegisteredBody(String userId, String username) {}

  record MeBody(String userId, String username, String email, String scope) {}

  record SecurityEventBody(String type, Instant at, String ip, String userAgent, String detail) {
    static SecurityEventBody of(UserAccount.SecurityEvent e) {
      return new SecurityEventBody(e.kind(), e.at(), e.ip(), e.userAgent(), e.detail());
    }
  }

  record SecurityEventsBody(List<SecurityEventBody> events, int count) {}

  /** Who the token says the caller is, with what the account adds (the email); a token is answered even without its account. */
  private Route me(AuthenticatedUser user) {
    return completeWithFuture(
        UserAccount.entityRef(system, user.account())
            .<UserAccount.Profile>askWithStatus(replyTo -> new UserAccount.GetProfile(user.userId(), replyTo), askTimeout)
            .thenApply(profile -> profile.email())
            .exceptionallyCompose(failure -> Refusal.reason(failure).isPresent() ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure))
            .thenApply(email -> JsonResponses.response(StatusCodes.OK, new MeBody(user.userId(), user.username(), email, user.scope()))));
  }

  private Route securityEvents(AuthenticatedUser user) {
    return completeWithFuture(
        UserAccount.entityRef(system, user.account())
            .<List<UserAccount.SecurityEvent>>askWithStatus(replyTo -> new UserAccount.GetSecurityEvents(user.userId(), replyTo), askTimeout)
            .thenApply(
                recorded -> {
                  List<SecurityEventBody> newestFirst = new ArrayList<>(recorded.stream().map(SecurityEventBody::of).toList());
                  Collections.reverse(newestFirst);
                  return JsonResponses.response(StatusCodes.OK, new SecurityEventsBody(newestFirst, newestFirst.size()));
                })
            .exceptionallyCompose(failure -> ErrorHandling.onRefusal(failure, reason -> ApiError.notFound("account"))));
  }
}
