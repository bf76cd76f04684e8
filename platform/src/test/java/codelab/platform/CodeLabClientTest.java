package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import codelab.schema.TestDatabase;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the CodeLab IDE (pese-git/codelab_ide) sends that the platform answers as it expects, with no
 * setting: its hard-coded client id on login and refresh, a login by e-mail (its field says "Email or
 * username"; features/authentication/data/datasources/auth_remote_datasource.dart), and deleting a
 * session (features/session_management/data/datasources/session_remote_datasource.dart, any 2xx).
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodeLabClientTest {

  private static final String IDE_CLIENT = "codelab-flutter-app";

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of());
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void theIdesClientIdLogsInAndRefreshes() {
    ApiClient ide = new ApiClient(running.httpPort()).loggedInAsNewUser();
    ApiClient.Reply login = ide.postForm("/oauth/token",
        "grant_type=password&client_id=" + IDE_CLIENT + "&username=" + ide.username + "&password=" + URLEncoder.encode(ide.password, StandardCharsets.UTF_8));
    assertEquals(200, login.status(), () -> String.valueOf(login.body()));
    ApiClient.Reply refreshed = ide.postForm("/oauth/token",
        "grant_type=refresh_token&client_id=" + IDE_CLIENT + "&refresh_token=" + URLEncoder.encode(login.body().get("refresh_token").asText(), StandardCharsets.UTF_8));
    assertEquals(200, refreshed.status(), () -> String.valueOf(refreshed.body()));
  }

  @Test
  void anAccountLogsInByItsEmailWhichBelongsToItAlone() {
    ApiClient api = new ApiClient(running.httpPort());
    String name = "ann" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String password = "correct horse battery staple";
    String email = name + ".Lee@Example.com";
    assertEquals(201, api.post("/api/v1/auth/register", Map.of("username", name, "password", password, "email", email)).status());

    ApiClient.Reply byEmail = api.postForm("/oauth/token", loginForm(email.toLowerCase(java.util.Locale.ROOT), password));
    assertEquals(200, byEmail.status(), () -> String.valueOf(byEmail.body()));
    api.accessToken = byEmail.body().get("access_token").asText();
    assertEquals(name, api.get("/api/v1/me").body().get("username").asText());
    assertEquals("invalid_grant", api.postForm("/oauth/token", loginForm(email, "a wrong password!")).body().get("error").asText());
    assertEquals("invalid_grant", api.postForm("/oauth/token", loginForm("nobody." + email, password)).body().get("error").asText());

    ApiClient.Reply again = api.post("/api/v1/auth/register", Map.of("username", name + "x", "password", password, "email", email.toUpperCase(java.util.Locale.ROOT)));
    assertEquals(409, again.status(), "one account per address, whatever its case");
    assertEquals(400, api.post("/api/v1/auth/register", Map.of("username", name + "y", "password", password, "email", "ann@bücher.example")).status());
  }

  @Test
  void aRegistrationThatFailsGivesItsEmailUp() {
    ApiClient api = new ApiClient(running.httpPort());
    String taken = running.api().username;
    String email = "free-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    String password = "correct horse battery staple";
    assertEquals(409, api.post("/api/v1/auth/register", Map.of("username", taken, "password", password, "email", email)).status());
    String name = "bo" + java.util.UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, api.post("/api/v1/auth/register", Map.of("username", name, "password", password, "email", email)).status());
    assertEquals(200, api.postForm("/oauth/token", loginForm(email, password)).status());
  }

  private static String loginForm(String name, String password) {
    return "grant_type=password&client_id=" + IDE_CLIENT + "&username=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
  }

  @Test
  void deletingASessionArchivesItAndOnlyItsOwnerMay() {
    ApiClient owner = running.api();
    String sessionId = owner.createSession();
    ApiClient other = new ApiClient(running.httpPort()).loggedInAsNewUser();
    assertEquals(404, other.send("DELETE", "/api/v1/sessions/" + sessionId, null).status(), "someone else's session");
    assertEquals(404, owner.send("DELETE", "/api/v1/sessions/not-a-session", null).status());

    ApiClient.Reply deleted = owner.send("DELETE", "/api/v1/sessions/" + sessionId, null);
    assertEquals(204, deleted.status(), () -> String.valueOf(deleted.body()));
    assertEquals("", deleted.raw().body());
    assertEquals(204, owner.send("DELETE", "/api/v1/sessions/" + sessionId, null).status(), "deleting twice is deleting once");
    assertFalse(owner.get("/api/v1/sessions/" + sessionId).body().get("is_active").asBoolean(), "archived, still readable");
    assertEquals(200, owner.get("/api/v1/sessions/" + sessionId + "/history").status());
  }
}
