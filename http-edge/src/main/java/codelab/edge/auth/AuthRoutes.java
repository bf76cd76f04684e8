package codelab.edge.auth;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import codelab.account.RefreshTokenFamily;
import codelab.account.UserAccount;
import codelab.edge.ApiError;
import codelab.edge.JsonResponses;
import codelab.user.User;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;

/**
 * Accounts: registration, the OAuth2 endpoints, the JWKS, {@code /api/v1/me}, the user's security
 * events, and logging out everywhere. Password hashing runs on the blocking executor: bcrypt at cost
 * 12 takes a few hundred milliseconds of CPU and must not stall the actors and streams.
 */
public final class AuthRoutes extends AllDirectives {

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{2,31}");
  private static final int MIN_PASSWORD = 10;
  private static final int MAX_PASSWORD = 1024;
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final SigningKeys keys;
  private final PasswordHasher hasher;
  private final Executor blocking;
  private final AuthSettings settings;
  private final Authenticator authenticator;
  private final TokenEndpoint tokenEndpoint;
  private final ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut;

  public AuthRoutes(
      ActorSystem<?> system,
      AccessTokens tokens,
      SigningKeys keys,
      PasswordHasher hasher,
      Executor blocking,
      AuthSettings settings,
      ActorRef<Topic.Command<LoggedOutEverywhere>> loggedOut) {
    this.system = system;
    this.keys = keys;
    this.hasher = hasher;
    this.blocking = blocking;
    this.settings = settings;
    this.loggedOut = loggedOut;
    this.authenticator = new Authenticator(tokens);
    this.tokenEndpoint = new TokenEndpoint(system, tokens, hasher, blocking, settings, Clock.systemUTC());
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
    if (retryAfter.isPresent()) return complete(TokenEndpoint.rateLimited(retryAfter.getAsLong()));
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
                            replyTo -> new UserAccount.Register(userId, username, hash, origin, replyTo), ASK_TIMEOUT))
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

  /** Every login of the user ends (its refresh tokens are revoked) and their open sockets close. */
  private Route logoutEverywhere(AuthenticatedUser user, UserAccount.Origin origin) {
    CompletionStage<HttpResponse> done =
        User.entityRef(system, user.userId())
            .<List<String>>ask(User.EndAllLogins::new, ASK_TIMEOUT)
            .thenCompose(
                families -> {
                  List<CompletableFuture<StatusReply<RefreshTokenFamily.Holder>>> revocations = new ArrayList<>();
                  for (String familyId : families) {
                    revocations.add(
                        RefreshTokenFamily.entityRef(system, familyId)
                            .<StatusReply<RefreshTokenFamily.Holder>>ask(replyTo -> new RefreshTokenFamily.Revoke("logged out everywhere", replyTo), ASK_TIMEOUT)
                            .toCompletableFuture());
                  }
                  return CompletableFuture.allOf(revocations.toArray(CompletableFuture[]::new)).thenApply(all -> families.size());
                })
            .thenCompose(
                count ->
                    UserAccount.entityRef(system, user.username())
                        .<Done>ask(replyTo -> new UserAccount.RecordSecurityEvent("logout_everywhere", count + " login(s) ended", origin, replyTo), ASK_TIMEOUT))
            .thenApply(
                recorded -> {
                  loggedOut.tell(Topic.publish(new LoggedOutEverywhere(user.userId())));
                  return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
                });
    return completeWithFuture(done);
  }

  private Route me(AuthenticatedUser user) {
    return JsonResponses.complete(StatusCodes.OK, Map.of("user_id", user.userId(), "username", user.username(), "scope", user.scope()));
  }

  private Route securityEvents(AuthenticatedUser user) {
    return completeWithFuture(
        UserAccount.entityRef(system, user.username())
            .<StatusReply<List<UserAccount.SecurityEvent>>>ask(replyTo -> new UserAccount.GetSecurityEvents(user.userId(), replyTo), ASK_TIMEOUT)
            .thenApply(
                reply -> {
                  if (reply.isError()) return ApiError.notFound("account");
                  List<Map<String, Object>> events = new ArrayList<>();
                  List<UserAccount.SecurityEvent> newestFirst = new ArrayList<>(reply.getValue());
                  java.util.Collections.reverse(newestFirst);
                  for (UserAccount.SecurityEvent e : newestFirst) {
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("type", e.kind());
                    event.put("at", e.at().toString());
                    event.put("ip", e.ip());
                    event.put("user_agent", e.userAgent());
                    event.put("detail", e.detail());
                    events.add(event);
                  }
                  return JsonResponses.response(StatusCodes.OK, Map.of("events", events, "count", events.size()));
                }));
  }
}
