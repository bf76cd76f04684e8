package codelab.platform.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.llm.LlmEvent;
import codelab.llm.LlmMessage;
import codelab.llm.LlmRequest;
import codelab.llm.LlmTool;
import codelab.llm.LlmToolCall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the adapter sends, and how it reads the stream's finer points: framing, fragments, endings, cancellation. */
class OpenAiChatClientProtocolTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() throws Exception {
    // pools still open when the system stops log a scary "shut down unexpectedly"
    Http.get(testKit.system()).shutdownAllConnectionPools().toCompletableFuture().get(5, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }

  private static OpenAiChatClient client(String baseUrl, String apiKey) {
    return new OpenAiChatClient(testKit.system(), new OpenAiSettings(
        baseUrl, apiKey, "gpt-test", Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), 4));
  }

  @Test
  void aCallCarriesTheTraceOfTheRequestThatCausedIt() throws Exception {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
    run(new LlmRequest(List.of(LlmMessage.user("hi")), List.of(), null, traceparent), null, (request, body) -> {
      seen.set(request.getHeader("traceparent").map(h -> h.value()).orElse("none"));
      return CompletableFuture.completedFuture(
          HttpResponse.create().withEntity(StubServer.events(List.of(Chunks.content("ok"), Chunks.finish("stop"), Chunks.DONE))));
    });
    assertEquals(traceparent, seen.get());
  }

  private static List<LlmEvent> run(LlmRequest request, String apiKey,
      BiFunction<HttpRequest, String, CompletionStage<HttpResponse>> handler) throws Exception {
    try (StubServer server = StubServer.start(testKit.system(), handler)) {
      return client(server.baseUrl(), apiKey).stream(request)
          .runWith(Sink.seq(), testKit.system())
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    }
  }

  private static List<LlmEvent> run(List<String> frames) throws Exception {
    return run(new LlmRequest(List.of(LlmMessage.user("hi")), List.of()), null,
        (request, body) -> CompletableFuture.completedFuture(HttpResponse.create().withEntity(StubServer.events(frames))));
  }

  private static String text(List<LlmEvent> events) {
    return events.stream()
        .filter(e -> e instanceof LlmEvent.TextDelta)
        .map(e -> ((LlmEvent.TextDelta) e).text())
        .collect(Collectors.joining());
  }

  @Test
  void sendsAStreamingChatCompletionsRequest() throws Exception {
    List<HttpRequest> requests = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    LlmToolCall call = new LlmToolCall("call_7", "read_file", "{\"path\":\"a.txt\"}");
    LlmRequest request = new LlmRequest(
        List.of(
            LlmMessage.system("sys"),
            LlmMessage.user("read a.txt"),
            new LlmMessage("assistant", null, List.of(call), null),
            new LlmMessage("tool", "hello", List.of(), "call_7")),
        List.of(new LlmTool("read_file", "Reads a file", "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}")));

    run(request, "sk-secret", (req, body) -> {
      requests.add(req);
      bodies.add(body);
      return CompletableFuture.completedFuture(HttpResponse.create()
          .withEntity(StubServer.events(List.of(Chunks.content("ok"), Chunks.finish("stop"), Chunks.DONE))));
    });

    HttpRequest sent = requests.get(0);
    assertEquals("/v1/chat/completions", sent.getUri().path());
    assertEquals(Optional.of("Bearer sk-secret"), sent.getHeader("Authorization").map(HttpHeader::value));
    JsonNode body = JSON.readTree(bodies.get(0));
    JsonNode expected = JSON.readTree("""
        {"model":"gpt-test","stream":true,"stream_options":{"include_usage":true},
         "messages":[
           {"role":"system","content":"sys"},
           {"role":"user","content":"read a.txt"},
           {"role":"assistant","content":null,"tool_calls":[
             {"id":"call_7","type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"a.txt\\"}"}}]},
           {"role":"tool","content":"hello","tool_call_id":"call_7"}],
         "tools":[{"type":"function","function":{"name":"read_file","description":"Reads a file",
           "parameters":{"type":"object","properties":{"path":{"type":"string"}}}}}]}
        """);
    assertEquals(expected, body);
  }

  @Test
  void sendsNoAuthorizationWithoutAKeyAndNoToolsWhenThereAreNone() throws Exception {
    List<HttpRequest> requests = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    run(new LlmRequest(List.of(LlmMessage.user("hi")), List.of()), "", (req, body) -> {
      requests.add(req);
      bodies.add(body);
      return CompletableFuture.completedFuture(HttpResponse.create()
          .withEntity(StubServer.events(List.of(Chunks.finish("stop"), Chunks.DONE))));
    });

    assertFalse(requests.get(0).getHeader("Authorization").isPresent());
    assertFalse(JSON.readTree(bodies.get(0)).has("tools"));
  }

  @Test
  void readsCrlfCommentsOtherFieldsAndBytesSplitAnywhere() throws Exception {
    String stream = ": keep-alive\r\n\r\n"
        + "event: message\r\nid: 1\r\n" + Chunks.content("Grüße, ").replace("\n\n", "\r\n\r\n")
        + "retry: 1000\n" + Chunks.content("Ünïcödé ✓ 𝄞")
        + Chunks.finish("stop") + Chunks.usage(3, 2) + Chunks.DONE;
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    List<ByteString> pieces = new ArrayList<>();
    // 5-byte pieces cut through lines, CRLFs and multi-byte characters alike
    for (int i = 0; i < bytes.length; i += 5) pieces.add(ByteString.fromArray(bytes, i, Math.min(5, bytes.length - i)));

    List<LlmEvent> events = run(new LlmRequest(List.of(LlmMessage.user("hi")), List.of()), null, (req, body) ->
        CompletableFuture.completedFuture(HttpResponse.create().withEntity(
            HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), Source.from(pieces)))));

    assertEquals(List.of(
        new LlmEvent.TextDelta("Grüße, "),
        new LlmEvent.TextDelta("Ünïcödé ✓ 𝄞"),
        new LlmEvent.Usage(3, 2),
        new LlmEvent.Completed("stop")), events);
  }

  @Test
  void assemblesInterleavedToolCallFragmentsByIndex() throws Exception {
    List<LlmEvent> events = run(List.of(
        Chunks.role(),
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"list_files\",\"arguments\":\"{\\\"pa\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"path\\\":\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"th\\\":\\\"src\\\"}\"}}]}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"a.txt\\\"}\"}}]}}]}\n\n",
        Chunks.finish("tool_calls"),
        Chunks.DONE));

    assertEquals(List.of(
        new LlmEvent.ToolCallsRequested(List.of(
            new LlmToolCall("call_a", "read_file", "{\"path\":\"a.txt\"}"),
            new LlmToolCall("call_b", "list_files", "{\"path\":\"src\"}"))),
        new LlmEvent.Completed("tool_calls")), events);
  }

  @Test
  void doneWithoutFinishReasonStillCompletes() throws Exception {
    assertEquals(
        List.of(new LlmEvent.TextDelta("Hi"), new LlmEvent.Completed("stop")),
        run(List.of(Chunks.role(), Chunks.content("Hi"), Chunks.DONE)));
  }

  @Test
  void finishReasonWithoutDoneStillCompletes() throws Exception {
    assertEquals(
        List.of(new LlmEvent.TextDelta("Hi"), new LlmEvent.Usage(1, 1), new LlmEvent.Completed("length")),
        run(List.of(Chunks.content("Hi"), Chunks.finish("length"), Chunks.usage(1, 1))));
  }

  @Test
  void emitsEachDeltaAsItArrivesAndCancellingClosesTheResponse() throws Exception {
    CompletableFuture<Done> serverSideEnded = new CompletableFuture<>();
    // the server sends one token and then nothing: only an incremental client can see that token
    Source<String, ?> endless = Source.from(List.of(Chunks.role(), Chunks.content("Hello ")))
        .concat(Source.never())
        .watchTermination((mat, ended) -> {
          ended.whenComplete((done, failure) -> serverSideEnded.complete(Done.getInstance()));
          return mat;
        });

    try (StubServer server = StubServer.start(testKit.system(), (req, body) ->
        CompletableFuture.completedFuture(HttpResponse.create().withEntity(StubServer.events(endless))))) {
      List<LlmEvent> first = client(server.baseUrl(), null)
          .stream(new LlmRequest(List.of(LlmMessage.user("hi")), List.of()))
          .take(1)
          .runWith(Sink.seq(), testKit.system())
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);

      assertEquals(List.of(new LlmEvent.TextDelta("Hello ")), first);
      // take(1) cancelled the stream: the connection must close, which ends the server's response
      serverSideEnded.get(5, TimeUnit.SECONDS);
      assertTrue(serverSideEnded.isDone());
    }
  }

  @Test
  void answersInARowShareOneConnection() throws Exception {
    try (StubServer server = StubServer.start(testKit.system(), (req, body) -> CompletableFuture.completedFuture(
        HttpResponse.create().withEntity(StubServer.events(List.of(Chunks.content("Hi"), Chunks.finish("stop"), Chunks.DONE)))))) {
      // One connection slot: an answer ends at [DONE] while its body is still being drained, so with
      // more slots the next call may legitimately open a second connection. With one, it waits for the
      // slot, and only a connection that was closed (the body cancelled) makes the pool connect again.
      OpenAiChatClient client = new OpenAiChatClient(testKit.system(), new OpenAiSettings(
          server.baseUrl(), null, "gpt-test", Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), 1));
      for (int turn = 0; turn < 3; turn++) {
        List<LlmEvent> events = client.stream(new LlmRequest(List.of(LlmMessage.user("hi")), List.of()))
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
        assertEquals(List.of(new LlmEvent.TextDelta("Hi"), new LlmEvent.Completed("stop")), events);
      }
      // a fresh connection per answer costs a connect and two new HTTP stages, and raced the pool
      assertEquals(1, server.connections(), "three answers, one after another, over one kept-alive connection");
    }
  }

  @Test
  void aServerThatKeepsTheBodyOpenAfterDoneStillEndsTheAnswerAtOnce() throws Exception {
    CompletableFuture<Done> serverSideEnded = new CompletableFuture<>();
    Source<String, ?> lingering = Source.from(List.of(Chunks.content("Hi"), Chunks.finish("stop"), Chunks.DONE))
        .concat(Source.never())
        .watchTermination((mat, ended) -> {
          ended.whenComplete((done, failure) -> serverSideEnded.complete(Done.getInstance()));
          return mat;
        });
    try (StubServer server = StubServer.start(testKit.system(), (req, body) ->
        CompletableFuture.completedFuture(HttpResponse.create().withEntity(StubServer.events(lingering))))) {
      List<LlmEvent> events = client(server.baseUrl(), null)
          .stream(new LlmRequest(List.of(LlmMessage.user("hi")), List.of()))
          .runWith(Sink.seq(), testKit.system())
          .toCompletableFuture()
          .get(1, TimeUnit.SECONDS);

      assertEquals(List.of(new LlmEvent.TextDelta("Hi"), new LlmEvent.Completed("stop")), events);
      // the body is given up after the linger, which closes the connection and ends the server's side
      serverSideEnded.get(5, TimeUnit.SECONDS);
    }
  }
}
