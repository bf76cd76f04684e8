package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 16, items 7–10, from outside: every refusal, down to the HTTP parser's, is the contract's JSON
 * error; JSON routes take only JSON; dot segments never reach the routes; the headers of an answer.
 * Several requests are ones the JDK client refuses to send, so they go over a raw socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpHardeningTest {

  private RunningNode running;

  @BeforeAll
  void startNode() throws IOException {
    running = RunningNode.start(TestDatabase.Kind.H2, Map.of("codelab.allowed-origins", "http://localhost:*"));
  }

  @AfterAll
  void stopNode() {
    running.stop();
  }

  // item 7: refusals below the routes

  @Test
  void anIllegalRequestTargetIsAJsonError() throws IOException {
    for (String target : new String[] {"/api/v1/%zz", "/api/v1/caf\u00e9", "/api/v1/{id}"}) {
      assertJsonError(raw("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "validation_error");
    }
  }

  @Test
  void aTooLongTargetTooLargeHeadersAndAnUnknownMethodAreJsonErrors() throws IOException {
    assertJsonError(raw("GET /health?q=" + "a".repeat(3000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "too_large");
    assertJsonError(raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n"), 431, "too_large");
    assertJsonError(raw("BREW /health HTTP/1.1\r\nHost: x\r\n\r\n"), 501, "not_implemented");
  }

  @Test
  void aTwentyMegabyteBodyIsAJsonErrorNamingNoSetting() throws IOException {
    // the declared length alone is refused, so the body need not be sent (nor the server read it)
    RawReply reply =
        raw(
            "POST /api/v1/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + running.api().accessToken
                + "\r\nContent-Type: application/json\r\nContent-Length: " + 20 * 1024 * 1024 + "\r\n\r\n");
    assertJsonError(reply, 413, "too_large");
  }

  // item 8: content types and strict JSON

  @Test
  void aJsonRouteRefusesABodyThatIsNotJson() {
    for (String type : new String[] {"text/plain", "application/xml"}) {
      assertEquals(415, postTyped(type, "{\"name\":\"p\"}").status(), type);
      assertEquals("unsupported_media_type", postTyped(type, "{\"name\":\"p\"}").body().path("code").asText(), type);
    }
    assertEquals(415, postTyped(null, "{\"name\":\"p\"}").status(), "no content type");
    assertEquals(201, postTyped("application/json; charset=utf-8", "{\"name\":\"p\"}").status(), "a charset is fine");
    assertEquals(201, running.api().post("/api/v1/sessions", Map.of()).status(), "an empty JSON object creates a session");
  }

  @Test
  void trailingGarbageAndDuplicateKeysAreRefused() {
    ApiClient.Reply trailing = running.api().postRaw("/api/v1/projects", "{\"name\":\"p\"}xyz");
    assertEquals(400, trailing.status(), () -> String.valueOf(trailing.body()));
    assertEquals("validation_error", trailing.body().path("code").asText());
    ApiClient.Reply duplicate = running.api().postRaw("/api/v1/projects", "{\"name\":\"p\",\"name\":\"q\"}");
    assertEquals(400, duplicate.status(), () -> String.valueOf(duplicate.body()));
    assertEquals(201, running.api().postRaw("/api/v1/projects", "{\"name\":\"p\",\"unknown\":1}").status(), "unknown keys are ignored");
  }

  @Test
  void aDuplicateKeyOnTheSocketIsAnErrorFrameAndTheSocketStaysOpen() {
    String sessionId = running.api().createSession();
    try (SocketClient socket = SocketClient.connect(running.httpPort(), sessionId, running.api().accessToken, null)) {
      socket.next("session_info");
      socket.sendText("{\"type\":\"ping\",\"type\":\"cancel\"}");
      JsonNode error = socket.next("error");
      assertEquals("invalid_json", error.path("code").asText(), error::toString);
      socket.sendText("{\"type\":\"ping\"}");
      socket.next("pong");
    }
  }

  // item 9: dot segments and ids from the path

  @Test
  void aPathWithADotSegmentIsRefused() throws IOException {
    String auth = "Authorization: Bearer " + running.api().accessToken + "\r\n";
    for (String target :
        new String[] {"/health/../api/v1/me", "/api/v1/projects/%2e%2e/sessions", "/api/v1/projects/%2E./sessions", "/api/v1/./me", "/api/v1/me/."}) {
      assertJsonError(raw("GET " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"), 400, "validation_error");
    }
    assertEquals(200, raw("GET /api/v1/me HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n").status(), "the same request without dots");
    assertEquals(404, raw("GET /api/v1/projects/..a/sessions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n").status(), "dots inside a segment are a name");
  }

  // item 10: headers

  @Test
  void headAnswersLikeGetWithoutABody() throws IOException {
    RawReply head = raw("HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals(200, head.status());
    assertEquals("", head.body());
    assertTrue(head.header("content-type").orElse("").startsWith("application/json"), head.headers()::toString);
  }

  @Test
  void jsonAnswersAreNotCachedNorSniffedAndNoBannerIsSent() {
    ApiClient.Reply me = running.api().get("/api/v1/me");
    assertEquals(200, me.status());
    assertEquals(Optional.of("no-store"), me.raw().headers().firstValue("Cache-Control"));
    assertEquals(Optional.of("nosniff"), me.raw().headers().firstValue("X-Content-Type-Options"));
    ApiClient.Reply missing = running.api().get("/api/v1/projects/" + java.util.UUID.randomUUID());
    assertEquals(404, missing.status());
    assertEquals(Optional.of("no-store"), missing.raw().headers().firstValue("Cache-Control"));
    assertEquals(Optional.of("nosniff"), missing.raw().headers().firstValue("X-Content-Type-Options"));
    ApiClient.Reply health = new ApiClient(running.httpPort()).get("/health");
    assertEquals(Optional.of("nosniff"), health.raw().headers().firstValue("X-Content-Type-Options"));
    assertEquals(Optional.empty(), health.raw().headers().firstValue("Server"));
  }

  @Test
  void aLocalhostOriginWithUserinfoOrAPathIsNotLocalhost() throws Exception {
    assertEquals(204, preflight("http://localhost:3000"));
    for (String origin : new String[] {"http://localhost:1@evil.example", "http://localhost:1/x", "http://localhost:", "http://localhost:1.evil.example"}) {
      assertEquals(403, preflight(origin), origin);
    }
  }

  private int preflight(String origin) throws Exception {
    return new ApiClient(running.httpPort())
        .http
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.httpPort() + "/api/v1/sessions"))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private ApiClient.Reply postTyped(String contentType, String body) {
    ApiClient api = running.api();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api.baseUrl + "/api/v1/projects"))
            .header("Authorization", "Bearer " + api.accessToken)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) request.header("Content-Type", contentType);
    try {
      java.net.http.HttpResponse<String> response = api.http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      JsonNode json = response.body().isEmpty() ? null : ApiClient.JSON.readTree(response.body());
      return new ApiClient.Reply(response.statusCode(), json, response);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertJsonError(RawReply reply, int status, String code) throws IOException {
    assertEquals(status, reply.status(), reply::toString);
    assertTrue(reply.header("content-type").orElse("").startsWith("application/json"), reply::toString);
    JsonNode body = ApiClient.JSON.readTree(reply.body());
    assertEquals(code, body.path("code").asText(), reply::toString);
    assertTrue(body.hasNonNull("trace_id"), reply::toString);
    String message = body.path("message").asText();
    assertFalse(message.isBlank(), reply::toString);
    assertFalse(message.matches("(?s).*(Exception|pekko|max-|\\.conf).*"), () -> "names a class or setting: " + message);
  }

  /** An answer read off the socket: status line, headers (lower-case names), body. */
  record RawReply(int status, Map<String, String> headers, String body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name));
    }
  }

  /** Sends the bytes as they are (what no well-behaved client sends) and reads one answer. */
  private RawReply raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", running.httpPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException refusedMidway) {
        // the server may answer and close before it read the whole request; its answer is still there
      }
      InputStream in = socket.getInputStream();
      String statusLine = line(in);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        int colon = header.indexOf(':');
        headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
      }
      boolean head = request.startsWith("HEAD ");
      int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new RawReply(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) throw new IOException("the connection closed mid-answer: " + line);
      if (b != '\r') line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
