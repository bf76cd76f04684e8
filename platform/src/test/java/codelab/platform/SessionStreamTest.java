package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A session without a WebSocket, as curl or a script uses it: commands over REST, the answer
 * read from {@code /stream} as server-sent events (or NDJSON) while it arrives, resumed after an
 * interruption with {@code Last-Event-ID}.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionStreamTest {

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private ApiClient api;

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    // turns of about two seconds, so that a client can come back in the middle of one
    running = RunningNode.start(databaseKind, Map.of("codelab.scripted-model.token-delay-ms", 10, "codelab.scripted-model.extra-tokens", 200));
    api = running.api();
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aTurnStreamedAsEventsWhoseDeltasMakeTheWholeMessage() {
    String sessionId = api.createSession();
    try (StreamClient stream = open(sessionId, null, Map.of("Accept", StreamClient.EVENT_STREAM))) {
      assertEquals(200, stream.response.statusCode());
      assertTrue(stream.response.headers().firstValue("Content-Type").orElse("").startsWith(StreamClient.EVENT_STREAM));
      StreamClient.Event info = stream.next("session_info");
      assertNull(info.id(), "session_info is not a point to resume from");

      ApiClient.Reply accepted = api.post(messages(sessionId), Map.of("content", "hello over plain HTTP", "operation_id", "op-1"));
      assertEquals(202, accepted.status(), () -> accepted.body().toString());
      assertEquals("op-1", accepted.body().get("operation_id").asText());
      long seq = accepted.body().get("seq").asLong();

      StreamClient.Event first = stream.next("message_accepted");
      assertEquals(String.valueOf(seq), first.id());
      List<StreamClient.Event> turn = stream.untilType("turn_completed");
      for (StreamClient.Event event : turn) {
        assertEquals(event.data().get("type").asText(), event.type(), "the event's name is the message's type");
        assertEquals(event.data().has("seq") ? event.data().get("seq").asText() : null, event.id(), "an id exactly for persisted messages");
      }
      List<JsonNode> messages = StreamClient.data(turn);
      JsonNode answer = messages.get(messages.size() - 2);
      assertEquals("assistant_message", answer.get("type").asText());
      assertEquals(answer.get("content").asText(), ResumeTest.deltasInOrder(messages));
      assertTrue(answer.get("content").asText().contains("hello over plain HTTP"), answer::toString);

      // the same operation id again: the first acceptance, and no second turn
      ApiClient.Reply retried = api.post(messages(sessionId), Map.of("content", "hello over plain HTTP", "operation_id", "op-1"));
      assertEquals(202, retried.status());
      assertEquals(seq, retried.body().get("seq").asLong());
      assertTrue(retried.body().get("duplicate").asBoolean());
      assertFalse(accepted.body().has("duplicate"));
    }
    assertEquals(2, api.get("/api/v1/sessions/" + sessionId + "/history").body().get("message_count").asInt());
  }

  @Test
  void aStreamInterruptedMidTurnResumesWithLastEventIdLosingAndRepeatingNothing() {
    String sessionId = api.createSession();
    long acceptedSeq;
    try (StreamClient first = open(sessionId, null, Map.of())) {
      first.next("session_info");
      acceptedSeq = api.post(messages(sessionId), Map.of("content", "a long answer please")).body().get("seq").asLong();
      assertEquals(String.valueOf(acceptedSeq), first.next("message_accepted").id());
      first.next("turn_started");
      for (int i = 0; i < 20; i++) first.next("assistant_delta");
    }

    try (StreamClient resumed = open(sessionId, null, Map.of("Last-Event-ID", String.valueOf(acceptedSeq)))) {
      resumed.next("session_info");
      List<StreamClient.Event> rest = resumed.untilType("turn_completed");
      for (StreamClient.Event event : rest) {
        if (event.id() != null) assertTrue(Long.parseLong(event.id()) > acceptedSeq, () -> "repeated after Last-Event-ID: " + event);
      }
      List<JsonNode> messages = StreamClient.data(rest);
      JsonNode partial = messages.stream().filter(m -> m.get("type").asText().equals("assistant_delta")).findFirst().orElseThrow();
      assertEquals(0, partial.get("index").asInt(), "the running turn's text so far, from its start");
      JsonNode answer = messages.get(messages.size() - 2);
      assertEquals("assistant_message", answer.get("type").asText());
      assertEquals(answer.get("content").asText(), ResumeTest.deltasInOrder(messages), "partial text plus live deltas make the whole message");
    }

    // after_seq in the query resumes the same way: the turn's persisted messages, once each
    try (StreamClient replay = open(sessionId, "after_seq=" + acceptedSeq, Map.of())) {
      replay.next("session_info");
      assertEquals("turn_started", replay.next().data().get("type").asText());
      assertEquals("assistant_message", replay.next().data().get("type").asText());
      assertEquals("turn_completed", replay.next().data().get("type").asText());
    }
  }

  @Test
  void aToolCallIsAnsweredAndATurnCancelledOverRest() {
    String sessionId = api.createSession();
    try (StreamClient stream = open(sessionId, null, Map.of())) {
      stream.next("session_info");
      api.post(messages(sessionId), Map.of("content", "please read_file notes.txt"));
      List<StreamClient.Event> untilCall = stream.untilType("tool_call");
      JsonNode call = untilCall.get(untilCall.size() - 1).data();
      assertEquals("read_file", call.get("tool_name").asText());
      String callId = call.get("call_id").asText();

      Map<String, Object> result = Map.of("call_id", callId, "result", Map.of("content", "remember the milk"), "operation_id", "op-r");
      ApiClient.Reply recorded = api.post(toolResults(sessionId), result);
      assertEquals(200, recorded.status(), () -> recorded.body().toString());
      assertEquals(callId, recorded.body().get("call_id").asText());
      assertEquals(callId, stream.next("tool_result_recorded").data().get("call_id").asText());
      List<JsonNode> rest = StreamClient.data(stream.untilType("turn_completed"));
      assertTrue(rest.get(rest.size() - 2).get("content").asText().contains("remember the milk"), rest::toString);

      assertEquals(200, api.post(toolResults(sessionId), result).status(), "a retry with its operation id is acknowledged again");
      ApiClient.Reply again = api.post(toolResults(sessionId), Map.of("call_id", callId, "result", Map.of()));
      assertEquals(409, again.status());
      assertEquals("conflict", again.body().get("code").asText());

      api.post(messages(sessionId), Map.of("content", "write_file a.txt"));
      stream.untilType("approval_required");
      ApiClient.Reply cancelled = api.postRaw(cancel(sessionId), "");
      assertEquals(200, cancelled.status(), () -> String.valueOf(cancelled.body()));
      stream.untilType("turn_cancelled");
      assertEquals(409, api.post(cancel(sessionId), Map.of("operation_id", "op-c")).status(), "no turn is running");
    }
  }

  @Test
  void anotherUsersSessionIsNotFoundOnEveryRoute() {
    String sessionId = api.createSession();
    ApiClient stranger = new ApiClient(running.httpPort()).loggedInAsNewUser();
    assertNotFound(stranger.post(messages(sessionId), Map.of("content", "hi")));
    assertNotFound(stranger.post(toolResults(sessionId), Map.of("call_id", "c", "result", Map.of())));
    assertNotFound(stranger.post(cancel(sessionId), Map.of()));
    try (StreamClient stream = StreamClient.open(running.httpPort(), sessionId, stranger.accessToken, null, Map.of())) {
      assertEquals(404, stream.response.statusCode());
      assertEquals("not_found", stream.errorBody().get("code").asText());
    }
    assertNotFound(api.post(messages("not-a-session"), Map.of("content", "hi")));
    try (StreamClient stream = open(java.util.UUID.randomUUID().toString(), null, Map.of())) {
      assertEquals(404, stream.response.statusCode());
    }
  }

  @Test
  void ndjsonIsOneMessagePerLine() {
    String sessionId = api.createSession();
    try (StreamClient stream = open(sessionId, null, Map.of("Accept", StreamClient.NDJSON))) {
      assertTrue(stream.response.headers().firstValue("Content-Type").orElse("").startsWith(StreamClient.NDJSON));
      stream.next("session_info");
      api.post(messages(sessionId), Map.of("content", "lines please"));
      List<JsonNode> turn = StreamClient.data(stream.untilType("turn_completed"));
      assertEquals("message_accepted", turn.get(0).get("type").asText());
      assertEquals(turn.get(turn.size() - 2).get("content").asText(), ResumeTest.deltasInOrder(turn));
    }
  }

  @Test
  void badInputIsA400InTheRestErrorFormat() {
    String sessionId = api.createSession();
    assertBadRequest(api.post(messages(sessionId), Map.of("operation_id", "no content")));
    assertBadRequest(api.post(messages(sessionId), Map.of("content", "  ")));
    assertBadRequest(api.postRaw(messages(sessionId), "not json"));
    assertBadRequest(api.post(toolResults(sessionId), Map.of("call_id", "c", "result", "not an object")));
    assertBadRequest(api.post(toolResults(sessionId), Map.of("result", Map.of())));
    try (StreamClient stream = open(sessionId, "after_seq=soon", Map.of())) {
      assertEquals(400, stream.response.statusCode());
      assertEquals("validation_error", stream.errorBody().get("code").asText());
    }
    try (StreamClient stream = StreamClient.open(running.httpPort(), sessionId, "not-a-token", null, Map.of())) {
      assertEquals(401, stream.response.statusCode());
    }
  }

  private StreamClient open(String sessionId, String query, Map<String, String> headers) {
    return StreamClient.open(running.httpPort(), sessionId, api.accessToken, query, headers);
  }

  private static void assertNotFound(ApiClient.Reply reply) {
    assertEquals(404, reply.status(), () -> String.valueOf(reply.body()));
    assertEquals("not_found", reply.body().get("code").asText());
  }

  private static void assertBadRequest(ApiClient.Reply reply) {
    assertEquals(400, reply.status(), () -> String.valueOf(reply.body()));
    assertEquals("validation_error", reply.body().get("code").asText());
    assertNotNull(reply.body().get("message"));
    assertNotNull(reply.body().get("trace_id"));
    assertFalse(reply.body().toString().contains("Exception"), reply.body()::toString);
  }

  private static String messages(String sessionId) {
    return "/api/v1/sessions/" + sessionId + "/messages";
  }

  private static String toolResults(String sessionId) {
    return "/api/v1/sessions/" + sessionId + "/tool-results";
  }

  private static String cancel(String sessionId) {
    return "/api/v1/sessions/" + sessionId + "/cancel";
  }
}
