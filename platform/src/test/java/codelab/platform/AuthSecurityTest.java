package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.security.KeyFactory;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
 * The auth test matrix, from outside as a client (or an attacker) would try it: forged and mangled
 * tokens (RFC 8725), refresh rotation and reuse detection (RFC 9700 §4.14.2), revocation (RFC 7009),
 * lockout, rate limits, unique usernames under concurrency, per-user isolation on every route and on
 * the WebSocket, and the audit of it all.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthSecurityTest {

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private int port;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of("codelab.auth.lockout.duration", "2s"));
    port = running.httpPort();
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  private Map<String, Object> validClaims() {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new HashMap<>();
    claims.put("iss", "codelab-platform");
    claims.put("aud", "codelab-api");
    claims.put("sub", UUID.randomUUID().toString());
    claims.put("preferred_username", "mallory");
    claims.put("scope", "api");
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("iat", now);
    claims.put("nbf", now);
    claims.put("exp", now + 600);
    return claims;
  }

  private Map<String, Object> header(String alg, String kid) {
    Map<String, Object> header = new HashMap<>(Map.of("alg", alg, "typ", "at+jwt"));
    if (kid != null) header.put("kid", kid);
    return header;
  }

  private String kid() {
    return new ApiClient(port).get("/.well-known/jwks.json").body().get("keys").get(0).get("kid").asText();
  }

  private int meWith(String token) {
    ApiClient client = new ApiClient(port);
    client.accessToken = token;
    return client.get("/api/v1/me").status();
  }

  @Test
  void forgedAndMangledAccessTokensAreRefused() throws Exception {
    String kid = kid();
    var key = TokenForger.nodeKey(running.dataDir());
    assertEquals(200, meWith(TokenForger.rs256(header("RS256", kid), validClaims(), key)), "the control: a well-formed token passes");

    assertEquals(401, meWith(TokenForger.unsigned(header("none", kid), validClaims())), "alg none");
    JsonNode jwk = new ApiClient(port).get("/.well-known/jwks.json").body().get("keys").get(0);
    var publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("n").asText())), new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("e").asText()))));
    assertEquals(401, meWith(TokenForger.hs256(header("HS256", kid), validClaims(), publicKey.getEncoded())), "HS256 keyed with the public key");

    String good = TokenForger.rs256(header("RS256", kid), validClaims(), key);
    String[] parts = good.split("\\.");
    Map<String, Object> elevated = validClaims();
    elevated.put("sub", "someone-else");
    assertEquals(401, meWith(parts[0] + "." + TokenForger.b64(TokenForger.json(elevated)) + "." + parts[2]), "tampered payload");

    for (Map.Entry<String, Object> wrong : List.of(Map.entry("aud", (Object) "other-api"), Map.entry("iss", (Object) "evil-issuer"))) {
      Map<String, Object> claims = validClaims();
      claims.put(wrong.getKey(), wrong.getValue());
      assertEquals(401, meWith(TokenForger.rs256(header("RS256", kid), claims, key)), "wrong " + wrong.getKey());
    }
    Map<String, Object> idTokenHeader = header("RS256", kid);
    idTokenHeader.put("typ", "JWT");
    assertEquals(401, meWith(TokenForger.rs256(idTokenHeader, validClaims(), key)), "wrong typ");

    Map<String, Object> expired = validClaims();
    expired.put("exp", Instant.now().minusSeconds(120).getEpochSecond());
    assertEquals(401, meWith(TokenForger.rs256(header("RS256", kid), expired, key)), "expired");
    Map<String, Object> early = validClaims();
    early.put("nbf", Instant.now().plusSeconds(300).getEpochSecond());
    assertEquals(401, meWith(TokenForger.rs256(header("RS256", kid), early, key)), "not yet valid");
    assertEquals(401, meWith(TokenForger.rs256(header("RS256", "unknown-kid"), validClaims(), key)), "unknown kid");
    assertEquals(401, meWith(TokenForger.rs256(header("RS256", kid), validClaims(), TokenForger.foreignKey())), "a foreign key under our kid");
  }

  @Test
  void aRefreshTokenIsSingleUseAndItsReuseRevokesTheWholeLogin() {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    String first = user.refreshToken;
    assertNotNull(first);

    ApiClient.Reply rotated = user.refresh(first);
    assertEquals(200, rotated.status());
    String second = rotated.body().get("refresh_token").asText();
    assertNotEquals(first, second);
    assertEquals(200, meWith(rotated.body().get("access_token").asText()));

    ApiClient.Reply replay = user.refresh(first);
    assertEquals(400, replay.status());
    assertEquals("invalid_grant", replay.body().get("error").asText());
    assertEquals("invalid_grant", user.refresh(second).body().get("error").asText(), "the newest token of the family died too");
    assertEquals("invalid_grant", user.refresh("rt.not-a-token").body().get("error").asText());

    List<String> events = securityEvents(user);
    assertTrue(events.contains("refresh_rotation") && events.contains("refresh_reuse_detected"), events::toString);
  }

  @Test
  void revokingARefreshTokenEndsItsLoginAndUnknownClientsAreRefused() {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    ApiClient.Reply revoked = user.postForm("/oauth/revoke", "client_id=codelab-ide&token=" + user.refreshToken);
    assertEquals(200, revoked.status());
    assertEquals("invalid_grant", user.refresh(user.refreshToken).body().get("error").asText());
    assertEquals(200, user.postForm("/oauth/revoke", "client_id=codelab-ide&token=whatever").status(), "RFC 7009: 200 for an unknown token");

    ApiClient.Reply noClient = user.postForm("/oauth/token", "grant_type=password&username=" + user.username + "&password=x");
    assertEquals(401, noClient.status());
    assertEquals("invalid_client", noClient.body().get("error").asText());
    ApiClient.Reply badGrant = user.postForm("/oauth/token", "grant_type=implicit&client_id=codelab-ide");
    assertEquals("unsupported_grant_type", badGrant.body().get("error").asText());
    assertTrue(securityEvents(user).contains("token_revoked"));
  }

  @Test
  void fiveWrongPasswordsLockTheAccountUntilTheWindowPasses() {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    for (int i = 0; i < 5; i++) assertEquals("invalid_grant", user.token(user.username, "wrong password " + i).body().get("error").asText());
    ApiClient.Reply whileLocked = user.token(user.username, user.password);
    assertEquals(400, whileLocked.status(), "even the right password is refused while locked");
    ApiClient.Reply unknown = user.token("nobody" + UUID.randomUUID().toString().substring(0, 6), "whatever password");
    assertEquals(whileLocked.body().get("error_description"), unknown.body().get("error_description"), "locked, wrong and unknown look alike");

    NodeProcess.sleep(Duration.ofMillis(2500));
    assertEquals(200, user.token(user.username, user.password).status(), "released after the window");
    List<String> events = securityEvents(user);
    assertTrue(events.contains("lockout") && events.contains("login_failure") && events.contains("login_success"), events::toString);
  }

  @Test
  void weakPasswordsAndBadUsernamesAreRefusedWithAClearMessage() {
    ApiClient anonymous = new ApiClient(port);
    ApiClient.Reply shortPassword = anonymous.post("/api/v1/auth/register", Map.of("username", "shorty", "password", "tooshort"));
    assertEquals(400, shortPassword.status());
    assertTrue(shortPassword.body().get("message").asText().contains("10"));
    ApiClient.Reply sameAsName = anonymous.post("/api/v1/auth/register", Map.of("username", "sameasname1", "password", "SameAsName1"));
    assertEquals(400, sameAsName.status());
    assertTrue(sameAsName.body().get("message").asText().contains("username"));
    assertEquals(400, anonymous.post("/api/v1/auth/register", Map.of("username", "no spaces allowed", "password", "long enough password")).status());
  }

  @Test
  void concurrentRegistrationsOfOneNameLetExactlyOneWin() {
    String name = "race" + UUID.randomUUID().toString().substring(0, 8);
    List<CompletableFuture<Integer>> attempts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String casing = i % 2 == 0 ? name : name.toUpperCase();
      attempts.add(CompletableFuture.supplyAsync(
          () -> new ApiClient(port).post("/api/v1/auth/register", Map.of("username", casing, "password", "long enough password")).status()));
    }
    List<Integer> statuses = attempts.stream().map(CompletableFuture::join).sorted().toList();
    assertEquals(List.of(201, 409, 409, 409), statuses);
  }

  @Test
  void anotherUsersThingsAreNotFoundOnEveryRoute() {
    ApiClient owner = new ApiClient(port).loggedInAsNewUser();
    ApiClient other = new ApiClient(port).loggedInAsNewUser();
    String projectId = owner.post("/api/v1/projects", Map.of("name", "secret plans")).body().get("id").asText();
    String sessionId = owner.post("/api/v1/sessions", Map.of("project_id", projectId)).body().get("id").asText();

    String s = "/api/v1/sessions/" + sessionId;
    String p = "/api/v1/projects/" + projectId;
    assertEquals(404, other.get(s).status());
    assertEquals(404, other.get(s + "/history").status());
    assertEquals(404, other.get(s + "/pending-approvals").status());
    assertEquals(404, other.post(s + "/approvals/any-call", Map.of("decision", "approve")).status());
    assertEquals(404, other.get(p).status());
    assertEquals(404, other.send("PATCH", p, Map.of("name", "mine now")).status());
    assertEquals(404, other.send("DELETE", p, null).status());
    assertEquals(404, other.get(p + "/sessions").status());
    assertEquals(404, other.post("/api/v1/sessions", Map.of("project_id", projectId)).status(), "no sessions in someone else's project");
    assertEquals(404, SocketClient.handshakeStatus(port, sessionId, other.accessToken));
    assertTrue(other.get("/api/v1/projects").body().get("projects").findValuesAsText("id").stream().noneMatch(projectId::equals));
    // and the owner still has it all
    assertEquals(200, owner.get(p).status());
    assertEquals(sessionId, owner.get(p + "/sessions").body().get("sessions").get(0).get("id").asText());
  }

  @Test
  void projectsCanBeCreatedRenamedListedAndDeleted() {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    String defaultSession = user.createSession();
    JsonNode listed = user.get("/api/v1/projects").body();
    assertEquals(1, listed.get("total").asInt(), "the default project was created on first use");
    assertEquals("Default", listed.get("projects").get(0).get("name").asText());
    assertEquals(listed.get("projects").get(0).get("id").asText(), user.get("/api/v1/sessions/" + defaultSession).body().get("project_id").asText());

    ApiClient.Reply created = user.post("/api/v1/projects", Map.of("name", "api", "description", "the REST API"));
    assertEquals(201, created.status());
    String id = created.body().get("id").asText();
    assertEquals("rest", user.send("PATCH", "/api/v1/projects/" + id, Map.of("name", "rest")).body().get("name").asText());
    assertEquals(400, user.post("/api/v1/projects", Map.of("description", "no name")).status());
    assertEquals(2, user.get("/api/v1/projects").body().get("total").asInt());
    assertEquals(204, user.send("DELETE", "/api/v1/projects/" + id, null).status());
    assertEquals(404, user.get("/api/v1/projects/" + id).status());
  }

  @Test
  void theWebSocketChecksTokenOriginAndAcceptsTheBrowserSubprotocol() throws Exception {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    String sessionId = user.createSession();
    assertEquals(401, SocketClient.handshakeStatus(port, sessionId, "garbage"));
    assertEquals(403, upgrade(sessionId, "https://evil.example", List.of("codelab.v1", "bearer." + user.accessToken)));
    assertEquals(101, upgrade(sessionId, "http://localhost:3000", List.of("codelab.v1", "bearer." + user.accessToken)));
    assertEquals(401, upgrade(sessionId, "http://localhost:3000", List.of("codelab.v1")));
  }

  @Test
  void loggingOutEverywhereEndsEveryLoginAndClosesOpenSockets() {
    ApiClient user = new ApiClient(port).loggedInAsNewUser();
    String secondLogin = user.token(user.username, user.password).body().get("refresh_token").asText();
    String sessionId = user.createSession();
    try (SocketClient socket = SocketClient.connect(port, sessionId, user.accessToken, null)) {
      socket.next("session_info");
      assertEquals(204, user.post("/api/v1/auth/logout-all", Map.of()).status());
      assertEquals("revoked", socket.next("error").get("code").asText());
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!socket.closed && System.nanoTime() < deadline) NodeProcess.sleep(Duration.ofMillis(50));
      assertTrue(socket.closed, "the server closed the socket");
    }
    assertEquals("invalid_grant", user.refresh(user.refreshToken).body().get("error").asText());
    assertEquals("invalid_grant", user.refresh(secondLogin).body().get("error").asText());
    assertTrue(securityEvents(user).contains("logout_everywhere"));
  }

  private int upgrade(String sessionId, String origin, List<String> subprotocols) {
    try {
      WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", origin);
      if (!subprotocols.isEmpty()) builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
      WebSocket socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/api/v1/ws/" + sessionId), new WebSocket.Listener() {})
          .orTimeout(10, TimeUnit.SECONDS).join();
      assertEquals("codelab.v1", socket.getSubprotocol());
      socket.abort();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) return refused.getResponse().statusCode();
      throw e;
    }
  }

  private List<String> securityEvents(ApiClient user) {
    ApiClient fresh = new ApiClient(port);
    fresh.accessToken = user.token(user.username, user.password).body().path("access_token").asText(user.accessToken);
    List<String> kinds = new ArrayList<>();
    fresh.get("/api/v1/me/security-events").body().get("events").forEach(e -> kinds.add(e.get("type").asText()));
    return kinds;
  }
}
