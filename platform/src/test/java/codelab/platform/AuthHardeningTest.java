package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a client may send as an identity and a credential, from outside: login names that cannot be
 * usernames, look-alikes of a registered name, tokens that are not canonical, unknown scopes, repeated
 * parameters and headers, and non-string JSON fields.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthHardeningTest {

  private static final String PASSWORD = "correct horse battery staple";

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private int port;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of());
    port = running.httpPort();
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aNameThatCannotBeAUsernameIsAWrongLoginAndReachesNoAccount() throws Exception {
    ApiClient client = new ApiClient(port);
    ApiClient.Reply login = client.token("ka\u0000li", PASSWORD);
    assertEquals(400, login.status(), String.valueOf(login.body()));
    assertEquals("invalid_grant", login.body().get("error").asText());
    assertEquals("no-store", login.raw().headers().firstValue("Cache-Control").orElse(""));

    ApiClient.Reply registered = client.post("/api/v1/auth/register", Map.of("username", "ka\u0000li", "password", PASSWORD));
    assertEquals(400, registered.status());
    assertEquals("validation_error", registered.body().get("code").asText());

    // a token signed with our key but naming no possible account reaches no account either
    ApiClient forged = new ApiClient(port);
    forged.accessToken = tokenNaming("mal\u0000lory");
    assertEquals(401, forged.get("/api/v1/me").status());
    assertEquals(401, forged.get("/api/v1/me/security-events").status());
    assertEquals(401, forged.post("/api/v1/auth/logout-all", Map.of()).status());

    assertEquals(200, running.api().token(running.api().username, running.api().password).status(), "the node still serves logins");
  }

  @Test
  void lookAlikesOfARegisteredNameNeitherLogInAsItNorRegister() {
    String name = "kis" + UUID.randomUUID().toString().substring(0, 6);
    ApiClient client = new ApiClient(port);
    assertEquals(201, client.post("/api/v1/auth/register", Map.of("username", name, "password", PASSWORD)).status());
    assertEquals(200, client.token(name.toUpperCase(), PASSWORD).status(), "the control: ASCII case does not matter");

    String rest = name.substring(3);
    List<String> lookAlikes =
        List.of(
            "\u212Ais" + rest, // KELVIN SIGN
            "ki\u017F" + rest, // LATIN SMALL LETTER LONG S
            "\uFF4Bis" + rest, // FULLWIDTH LATIN SMALL LETTER K
            "K\u0130S" + rest.toUpperCase(), // Turkish dotted capital I
            "k\u0131s" + rest, // Turkish dotless i
            "ki\u0301s" + rest, // combining acute accent
            " " + name,
            name + " ",
            name + "\n",
            "\u00A0" + name);
    for (String lookAlike : lookAlikes) {
      ApiClient.Reply login = client.token(lookAlike, PASSWORD);
      assertEquals(400, login.status(), "login as " + escaped(lookAlike));
      assertEquals("invalid_grant", login.body().get("error").asText());
      ApiClient.Reply registered = client.post("/api/v1/auth/register", Map.of("username", lookAlike, "password", PASSWORD));
      assertEquals(400, registered.status(), "register " + escaped(lookAlike));
    }
  }

  @Test
  void aTokenWithAnythingAppendedIsRefusedOnEveryRouteAndTheSocket() throws Exception {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    String sessionId = user.createSession();
    String token = user.accessToken;
    assertEquals(200, user.get("/api/v1/me").status(), "the control");
    String[] parts = token.split("\\.");
    List<String> mangled =
        List.of(
            token + "x", token + "A", token + "%", token + "=", token + "==",
            parts[0] + "A." + parts[1] + "." + parts[2],
            parts[0] + "." + parts[1] + "A." + parts[2]);
    for (String presented : mangled) {
      ApiClient client = new ApiClient(port);
      client.accessToken = presented;
      assertEquals(401, client.get("/api/v1/me").status(), presented.substring(presented.length() - 3));
      assertEquals(401, client.get("/api/v1/sessions").status());
      assertEquals(401, client.get("/api/v1/sessions/" + sessionId).status());
      assertEquals(401, SocketClient.handshakeStatus(port, sessionId, presented));
    }
  }

  @Test
  void aMalformedAuthorizationHeaderNeverPutsTheTokenInTheLog() {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    String signature = user.accessToken.substring(user.accessToken.lastIndexOf('.') + 1);
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try {
      ApiClient client = new ApiClient(port);
      client.accessToken = user.accessToken + "%"; // not a valid token68: pekko-http's parser refuses the header
      assertEquals(401, client.get("/api/v1/me").status());
    } finally {
      root.detachAppender(logged);
    }
    assertEquals(List.of(), logged.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).filter(m -> m.contains(signature)).toList());
  }

  @Test
  void onlyTheScopesThePlatformKnowsAreIssued() {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    assertEquals("api", user.token(user.username, user.password).body().get("scope").asText(), "no scope asked: the default");
    assertEquals("api", passwordGrant(user, "&scope=api").body().get("scope").asText());
    for (String unknown : List.of("admin", "api admin", "api sessions:write", "*", "API")) {
      ApiClient.Reply refused = passwordGrant(user, "&scope=" + URLEncoder.encode(unknown, StandardCharsets.UTF_8));
      assertEquals(400, refused.status(), unknown);
      assertEquals("invalid_scope", refused.body().get("error").asText());
      assertEquals("no-store", refused.raw().headers().firstValue("Cache-Control").orElse(""));
    }
  }

  @Test
  void aRepeatedOAuthParameterIsAnInvalidRequest() {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    for (String repeat : List.of("&client_id=evil", "&client_id=codelab-ide", "&username=somebody", "&grant_type=password", "&scope=api&scope=api")) {
      ApiClient.Reply refused = passwordGrant(user, repeat);
      assertEquals(400, refused.status(), repeat);
      assertEquals("invalid_request", refused.body().get("error").asText());
    }
    ApiClient.Reply revoke = user.postForm("/oauth/revoke", "token=" + user.refreshToken + "&token=other");
    assertEquals(400, revoke.status());
    assertEquals("invalid_request", revoke.body().get("error").asText());
    assertEquals(200, user.refresh(user.refreshToken).status(), "the refused revocation ended nothing");
  }

  @Test
  void twoAuthorizationHeadersAreABadRequestOnTheApiAndTheSocket() throws Exception {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    String sessionId = user.createSession();
    for (String second : List.of("Bearer " + user.accessToken, "Bearer garbage")) {
      var response =
          user.http.send(
              HttpRequest.newBuilder(URI.create(user.baseUrl + "/api/v1/me"))
                  .header("Authorization", "Bearer " + user.accessToken)
                  .header("Authorization", second)
                  .GET()
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(400, response.statusCode());
      JsonNode body = ApiClient.JSON.readTree(response.body());
      assertEquals("validation_error", body.get("code").asText());
      assertNotNull(body.get("trace_id"));
      assertEquals(400, upgradeWith(sessionId, List.of("Bearer " + user.accessToken, second)));
    }
    assertEquals(101, upgradeWith(sessionId, List.of("Bearer " + user.accessToken)), "the control");
  }

  @Test
  void registrationTakesOnlyStringsForItsTextFields() {
    ApiClient client = new ApiClient(port);
    String name = "num" + UUID.randomUUID().toString().substring(0, 6);
    List<String> bodies =
        List.of(
            "{\"username\": 12345, \"password\": \"" + PASSWORD + "\"}",
            "{\"username\": \"" + name + "\", \"password\": 1234567890123}",
            "{\"username\": [\"" + name + "\"], \"password\": \"" + PASSWORD + "\"}",
            "{\"username\": \"" + name + "\", \"password\": \"" + PASSWORD + "\", \"email\": 42}");
    for (String body : bodies) {
      ApiClient.Reply refused = client.postRaw("/api/v1/auth/register", body);
      assertEquals(400, refused.status(), body);
      assertEquals("validation_error", refused.body().get("code").asText());
    }
    assertEquals(400, client.token("12345", PASSWORD).status(), "nobody was registered as 12345");
  }

  private ApiClient.Reply passwordGrant(ApiClient user, String extra) {
    return user.postForm(
        "/oauth/token",
        "grant_type=password&client_id=codelab-ide&username=" + user.username + "&password=" + URLEncoder.encode(user.password, StandardCharsets.UTF_8) + extra);
  }

  private String tokenNaming(String username) throws Exception {
    String kid = new ApiClient(port).get("/.well-known/jwks.json").body().get("keys").get(0).get("kid").asText();
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new HashMap<>();
    claims.put("iss", "codelab-platform");
    claims.put("aud", "codelab-api");
    claims.put("sub", UUID.randomUUID().toString());
    claims.put("preferred_username", username);
    claims.put("scope", "api");
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("iat", now);
    claims.put("nbf", now);
    claims.put("exp", now + 600);
    return TokenForger.rs256(new HashMap<>(Map.of("alg", "RS256", "typ", "at+jwt", "kid", kid)), claims, TokenForger.nodeKey(running.dataDir()));
  }

  private int upgradeWith(String sessionId, List<String> authorizations) {
    try {
      WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
      authorizations.forEach(value -> builder.header("Authorization", value));
      builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/api/v1/ws/" + sessionId), new WebSocket.Listener() {})
          .orTimeout(10, TimeUnit.SECONDS)
          .join()
          .abort();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) return refused.getResponse().statusCode();
      throw e;
    }
  }

  private static String escaped(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04X", c) : String.valueOf((char) c)));
    return out.toString();
  }
}
