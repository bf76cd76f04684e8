package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an operator reads off a node (PROTOCOL.md v1.1 "Operations"): the figures at {@code GET /metrics}
 * on the management port after a chat, readiness, and a request's W3C trace id in its error answer.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityTest {

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of());
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  private HttpResponse<String> management(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.node().managementPort() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double value(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+|NaN)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void aChatShowsInTheTurnCountAndTheTimeToFirstToken() throws Exception {
    String before = management("/metrics").body();
    double turnsBefore = value(before, "codelab_turns_total{outcome=\"completed\"}");
    try (SocketClient socket = SocketClient.connect(running.httpPort(), running.api().createSession(), running.api().accessToken, null)) {
      socket.next("session_info");
      socket.send(Map.of("type", "user_message", "content", "count this turn"));
      socket.untilType("turn_completed");
    }
    String after = management("/metrics").body();
    double turns = value(after, "codelab_turns_total{outcome=\"completed\"}");
    assertEquals((Double.isNaN(turnsBefore) ? 0 : turnsBefore) + 1, turns, 0.0, "one more completed turn");
    assertTrue(value(after, "codelab_model_time_to_first_token_seconds_count{model=\"scripted\"}") >= 1, "a first token was timed");
    assertTrue(after.contains("codelab_model_time_to_first_token_seconds_bucket{model=\"scripted\",le="), "a histogram, with buckets");
    assertTrue(value(after, "codelab_tokens_relayed_total") >= 3);
    assertTrue(value(after, "codelab_journal_write_seconds_count") >= 1);
    assertTrue(after.contains("jvm_memory_used_bytes{"), "the JVM's figures");
    assertEquals(0.0, value(after, "codelab_approvals_waiting"), 0.0);
    for (String line : after.split("\n")) {
      assertTrue(!line.contains("session_id") && !line.contains("user_id"), "no unbounded label: " + line);
    }
  }

  @Test
  void readinessAnswersWhenTheDatabaseAndTheShardsAreThere() throws Exception {
    HttpResponse<String> ready = management("/ready");
    assertEquals(200, ready.statusCode(), ready.body());
    assertEquals(200, management("/alive").statusCode());
  }

  @Test
  void aMessagesTraceTravelsToTheModelProvider() throws Exception {
    java.util.concurrent.BlockingQueue<String> traceparents = new java.util.concurrent.LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer provider = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    provider.createContext("/v1/chat/completions", exchange -> {
      traceparents.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
      byte[] answer = ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
          + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    provider.start();
    RunningNode traced = RunningNode.start(databaseKind, Map.of(
        "codelab.llm.base-url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/v1", "codelab.llm.model", "stub-model"));
    try {
      String sessionId = traced.api().createSession();
      String traceId = "0af7651916cd43dd8448eb211c80319c";
      HttpResponse<String> accepted = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + traced.httpPort() + "/api/v1/sessions/" + sessionId + "/messages"))
              .header("Authorization", "Bearer " + traced.api().accessToken).header("Content-Type", "application/json")
              .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
              .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hello\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(202, accepted.statusCode(), accepted.body());
      String seen = traceparents.poll(15, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(seen != null && seen.matches("00-" + traceId + "-[0-9a-f]{16}-01"), "the provider saw: " + seen);
    } finally {
      traced.stop();
      provider.stop(0);
    }
  }

  @Test
  void aRequestsTraceparentIsTheTraceIdOfItsErrorAnswer() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpResponse<String> missing = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.httpPort() + "/api/v1/sessions/" + java.util.UUID.randomUUID()))
            .header("Authorization", "Bearer " + running.api().accessToken)
            .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(404, missing.statusCode());
    assertEquals(traceId, ApiClient.JSON.readTree(missing.body()).get("trace_id").asText());
    assertEquals(traceId, missing.headers().firstValue("X-Trace-Id").orElse(""));

    HttpResponse<String> untraced = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.httpPort() + "/api/v1/sessions/nope")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    String made = ApiClient.JSON.readTree(untraced.body()).get("trace_id").asText();
    assertTrue(made.matches("[0-9a-f]{32}"), "a new W3C trace id: " + made);
    assertEquals(made, untraced.headers().firstValue("X-Trace-Id").orElse(""));
  }
}
