package codelab.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** A REST client of the public contract, as an IDE would use it (JDK HttpClient, nothing of ours). */
final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String baseUrl;
  String accessToken;

  ApiClient(int port) {
    this.baseUrl = "http://127.0.0.1:" + port;
  }

  String username;
  String password;
  String refreshToken;

  /** Registers a fresh user and logs in; returns this client, now carrying the access token. */
  ApiClient loggedInAsNewUser() {
    username = "dev" + UUID.randomUUID().toString().substring(0, 8);
    password = "correct horse battery " + username;
    Reply registered = post("/api/v1/auth/register", Map.of("username", username, "password", password));
    if (registered.status() != 201) throw new AssertionError("register failed: " + registered.status() + " " + registered.body());
    Reply token = token(username, password);
    if (token.status() != 200) throw new AssertionError("token failed: " + token.status() + " " + token.body());
    accessToken = token.body().get("access_token").asText();
    refreshToken = token.body().path("refresh_token").asText(null);
    return this;
  }

  Reply token(String username, String password) {
    String form =
        Map.of("grant_type", "password", "username", username, "password", password, "client_id", "codelab-ide")
            .entrySet()
            .stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return postForm("/oauth/token", form);
  }

  Reply postForm(String path, String form) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  String createSession() {
    Reply created = post("/api/v1/sessions", Map.of());
    if (created.status() != 201) throw new AssertionError("create session failed: " + created.status() + " " + created.body());
    return created.body().get("id").asText();
  }

  Reply refresh(String token) {
    return postForm("/oauth/token", "grant_type=refresh_token&client_id=codelab-ide&refresh_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
  }

  Reply send(String method, String path, Object body) {
    try {
      HttpRequest.BodyPublisher publisher =
          body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
      return send(authorized(HttpRequest.newBuilder(URI.create(baseUrl + path))).header("Content-Type", "application/json").method(method, publisher));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Reply get(String path) {
    return send(authorized(HttpRequest.newBuilder(URI.create(baseUrl + path))).GET());
  }

  Reply post(String path, Object body) {
    try {
      return postRaw(path, JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Reply postRaw(String path, String body) {
    return send(
        authorized(HttpRequest.newBuilder(URI.create(baseUrl + path)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    return accessToken == null ? request : request.header("Authorization", "Bearer " + accessToken);
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = response.body().isEmpty() ? null : parseOrNull(response.body());
      return new Reply(response.statusCode(), body, response);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parseOrNull(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }
}
