package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** PROTOCOL.md's "Contract fixes to v1" at the edge, from outside, on H2 and PostgreSQL. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractFixesTest {

  private static final String ALLOWED = "https://console.example.com";

  @Parameter TestDatabase.Kind databaseKind;

  private RunningNode running;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of("codelab.allowed-origins", "http://localhost:*, " + ALLOWED));
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aPublicClientRevokesWithoutNamingItself() {
    ApiClient user = new ApiClient(running.httpPort()).loggedInAsNewUser();
    ApiClient.Reply revoked = user.postForm("/oauth/revoke", "token=" + URLEncoder.encode(user.refreshToken, StandardCharsets.UTF_8));
    assertEquals(200, revoked.status(), () -> String.valueOf(revoked.body()));
    assertEquals("invalid_grant", user.refresh(user.refreshToken).body().get("error").asText(), "the login ended");
    assertEquals(401, user.postForm("/oauth/revoke", "client_id=nobody&token=x").status(), "a client that names itself must be known");
  }

  @Test
  void registrationKeepsTheEmailAndMeShowsIt() {
    ApiClient api = new ApiClient(running.httpPort());
    String username = "mail" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String password = "correct horse battery " + username;
    ApiClient.Reply registered = api.post("/api/v1/auth/register", Map.of("username", username, "password", password, "email", " " + username + "@example.com "));
    assertEquals(201, registered.status(), () -> String.valueOf(registered.body()));
    api.accessToken = api.token(username, password).body().get("access_token").asText();
    JsonNode me = api.get("/api/v1/me").body();
    assertEquals(username + "@example.com", me.get("email").asText());
    assertEquals(username, me.get("username").asText());

    assertFalse(running.api().get("/api/v1/me").body().has("email"), "no email given, none shown");
    ApiClient.Reply bad = api.post("/api/v1/auth/register", Map.of("username", "x" + username, "password", password, "email", "not an address"));
    assertEquals(400, bad.status());
    assertEquals("validation_error", bad.body().get("code").asText());
  }

  @Test
  void aSessionIsRenamedAndArchivedAndItsListsSayItAtOnce() {
    ApiClient api = new ApiClient(running.httpPort()).loggedInAsNewUser();
    String sessionId = api.createSession();
    String path = "/api/v1/sessions/" + sessionId;

    ApiClient.Reply renamed = api.send("PATCH", path, Map.of("title", "  the parser bug "));
    assertEquals(200, renamed.status(), () -> String.valueOf(renamed.body()));
    assertEquals("the parser bug", renamed.body().get("title").asText());
    assertEquals("the parser bug", api.get("/api/v1/sessions").body().get("sessions").get(0).get("title").asText());
    assertEquals(400, api.send("PATCH", path, Map.of("title", " ")).status());
    assertEquals(400, api.send("PATCH", path, Map.of("title", "x".repeat(201))).status());

    ApiClient.Reply archived = api.post(path + "/archive", Map.of());
    assertEquals(200, archived.status(), () -> String.valueOf(archived.body()));
    assertFalse(archived.body().get("is_active").asBoolean());
    assertEquals(200, api.post(path + "/archive", Map.of()).status(), "archiving twice is archiving once");
    assertFalse(api.get(path).body().get("is_active").asBoolean());
    JsonNode listed = api.get("/api/v1/sessions").body().get("sessions").get(0);
    assertEquals(sessionId, listed.get("id").asText());
    assertFalse(listed.get("is_active").asBoolean());
    assertEquals(200, api.get(path + "/history").status(), "an archived session stays readable");

    ApiClient other = new ApiClient(running.httpPort()).loggedInAsNewUser();
    assertEquals(404, other.send("PATCH", path, Map.of("title", "mine")).status());
    assertEquals(404, other.post(path + "/archive", Map.of()).status());
    assertEquals(404, api.post("/api/v1/sessions/not-a-session/archive", Map.of()).status());
  }

  @Test
  void restAnswersPreflightsFromAllowedOriginsOnly() throws Exception {
    HttpResponse<String> allowed = preflight(ALLOWED, "/api/v1/sessions", "POST");
    assertEquals(204, allowed.statusCode());
    assertEquals(ALLOWED, allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertTrue(allowed.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
    assertTrue(allowed.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));

    HttpResponse<String> localhost = preflight("http://localhost:5173", "/api/v1/projects/x", "PATCH");
    assertEquals(204, localhost.statusCode());

    HttpResponse<String> refused = preflight("https://evil.example.net", "/api/v1/sessions", "POST");
    assertEquals(403, refused.statusCode());
    assertTrue(refused.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
  }

  @Test
  void answersToAnAllowedOriginNameIt() throws Exception {
    ApiClient api = running.api();
    HttpResponse<String> fromAllowed = get(api, "/api/v1/sessions", ALLOWED);
    assertEquals(200, fromAllowed.statusCode());
    assertEquals(ALLOWED, fromAllowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    HttpResponse<String> error = get(api, "/api/v1/sessions/not-a-session", ALLOWED);
    assertEquals(404, error.statusCode());
    assertEquals(ALLOWED, error.headers().firstValue("Access-Control-Allow-Origin").orElse(null), "errors too, or the browser hides them");
    HttpResponse<String> fromOther = get(api, "/api/v1/sessions", "https://evil.example.net");
    assertTrue(fromOther.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
  }

  @Test
  void historyPairsEachToolResultWithItsCall() throws Exception {
    ApiClient api = running.api();
    String sessionId = api.createSession();
    String readCall;
    String listCall;
    try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, api.accessToken, null)) {
      socket.next("session_info");
      socket.send(Map.of("type", "user_message", "content", "read_file src/Main.java and list_files src"));
      List<JsonNode> untilCall = socket.untilType("tool_call");
      JsonNode first = untilCall.get(untilCall.size() - 1);
      JsonNode second = socket.next("tool_call");
      readCall = (first.get("tool_name").asText().equals("read_file") ? first : second).get("call_id").asText();
      listCall = (first.get("tool_name").asText().equals("read_file") ? second : first).get("call_id").asText();
      socket.send(Map.of("type", "tool_result", "call_id", readCall, "result", Map.of("content", "class Main {}")));
      socket.send(Map.of("type", "tool_result", "call_id", listCall, "result", Map.of("files", List.of("Main.java"))));
      socket.untilType("turn_completed");
    }
    JsonNode messages = api.get("/api/v1/sessions/" + sessionId + "/history").body().get("messages");
    JsonNode assistant = messages.get(1);
    assertEquals("assistant", assistant.get("role").asText());
    JsonNode calls = assistant.get("tool_calls");
    assertEquals(2, calls.size(), assistant::toString);
    for (JsonNode call : calls) {
      assertEquals("function", call.get("type").asText());
      assertTrue(call.get("function").get("arguments").isTextual(), "arguments are the JSON text, as in OpenAI's format");
    }
    JsonNode readCallJson = calls.get(0).get("id").asText().equals(readCall) ? calls.get(0) : calls.get(1);
    assertEquals("read_file", readCallJson.get("function").get("name").asText());
    assertEquals("src/Main.java", ApiClient.JSON.readTree(readCallJson.get("function").get("arguments").asText()).get("path").asText());
    for (int i = 2; i <= 3; i++) {
      JsonNode tool = messages.get(i);
      assertEquals("tool", tool.get("role").asText());
      String answered = tool.get("tool_call_id").asText();
      assertTrue(answered.equals(readCall) || answered.equals(listCall), tool::toString);
      assertEquals(answered.equals(readCall) ? "read_file" : "list_files", tool.get("name").asText());
    }
    assertFalse(messages.get(0).has("tool_calls"), "a user message carries no tool calls");
    assertFalse(messages.get(0).has("tool_call_id"));
  }

  private HttpResponse<String> preflight(String origin, String path, String method) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.httpPort() + path))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", "authorization, content-type")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .build();
    return running.api().http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(ApiClient api, String path, String origin) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(api.baseUrl + path)).header("Origin", origin).header("Authorization", "Bearer " + api.accessToken).GET().build();
    return api.http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
