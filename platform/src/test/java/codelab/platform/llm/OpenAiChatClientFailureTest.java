package codelab.platform.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.llm.LlmEvent;
import codelab.llm.LlmException;
import codelab.llm.LlmMessage;
import codelab.llm.LlmRequest;
import codelab.llm.LlmTool;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The adapter against servers that misbehave: every failure must become an LlmException that says what happened. */
class OpenAiChatClientFailureTest {

  private static final LlmRequest REQUEST = new LlmRequest(List.of(LlmMessage.user("hello")), List.of());

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

  private static OpenAiChatClient client(String baseUrl) {
    return new OpenAiChatClient(testKit.system(), new OpenAiSettings(
        baseUrl, "sk-test", "gpt-test", Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofMillis(300), 4));
  }

  /** Runs one request against a stub server; returns the failure, and the events that came before it. */
  private static LlmException failure(
      BiFunction<HttpRequest, String, CompletionStage<HttpResponse>> handler, List<LlmEvent> before) throws Exception {
    try (StubServer server = StubServer.start(testKit.system(), handler)) {
      return failure(client(server.baseUrl()), before);
    }
  }

  private static LlmException failure(OpenAiChatClient client, List<LlmEvent> before) {
    CompletableFuture<?> done = client.stream(REQUEST)
        .runWith(Sink.foreach(before::add), testKit.system())
        .toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(5, TimeUnit.SECONDS));
    return assertInstanceOf(LlmException.class, e.getCause());
  }

  private static LlmException failure(BiFunction<HttpRequest, String, CompletionStage<HttpResponse>> handler)
      throws Exception {
    return failure(handler, new CopyOnWriteArrayList<>());
  }

  private static CompletionStage<HttpResponse> eventStream(Source<String, ?> pieces) {
    return CompletableFuture.completedFuture(HttpResponse.create().withEntity(StubServer.events(pieces)));
  }

  private static CompletionStage<HttpResponse> openAiError(int status, String message) {
    String body = "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"code\":null}}";
    return CompletableFuture.completedFuture(
        HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body));
  }

  @Test
  void serverErrorNamesStatusAndProviderMessage() throws Exception {
    LlmException e = failure((request, body) -> openAiError(500, "The server had an error while processing your request."));

    assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    assertTrue(e.getMessage().contains("The server had an error while processing your request."), e.getMessage());
  }

  @Test
  void unauthorizedNamesStatusAndProviderMessage() throws Exception {
    LlmException e = failure((request, body) -> openAiError(401, "Incorrect API key provided: sk-test."));

    assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
    assertTrue(e.getMessage().contains("Incorrect API key provided"), e.getMessage());
  }

  @Test
  void streamThatNeverSendsAByteHitsTheFirstTokenTimeout() throws Exception {
    LlmException e = failure((request, body) -> eventStream(Source.maybe()));

    assertTrue(e.getMessage().contains("sent nothing within 300 ms"), e.getMessage());
  }

  @Test
  void serverThatNeverAnswersHitsTheFirstTokenTimeout() throws Exception {
    LlmException e = failure((request, body) -> new CompletableFuture<>());

    assertTrue(e.getMessage().contains("sent nothing within 300 ms"), e.getMessage());
  }

  @Test
  void streamThatStallsMidwayHitsTheIdleTimeout() throws Exception {
    List<LlmEvent> before = new CopyOnWriteArrayList<>();
    LlmException e = failure(
        (request, body) -> eventStream(Source.from(List.of(Chunks.role(), Chunks.content("Hello "))).concat(Source.never())),
        before);

    assertTrue(e.getMessage().contains("stopped sending for more than 300 ms"), e.getMessage());
    assertEquals(List.of(new LlmEvent.TextDelta("Hello ")), before);
  }

  @Test
  void refusedConnectionNamesTheUrl() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String baseUrl = "http://127.0.0.1:" + closedPort + "/v1";

    LlmException e = failure(client(baseUrl), new CopyOnWriteArrayList<>());

    assertTrue(e.getMessage().contains("Cannot reach the model at " + baseUrl), e.getMessage());
  }

  @Test
  void garbageJsonIsReported() throws Exception {
    LlmException e = failure((request, body) -> eventStream(Source.from(List.of(Chunks.role(), "data: {\"choices\": [oops\n\n"))));

    assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("{\"choices\": [oops"), e.getMessage());
  }

  @Test
  void errorInsideTheStreamIsReported() throws Exception {
    LlmException e = failure((request, body) -> eventStream(Source.from(List.of(
        Chunks.content("Hel"), "data: {\"error\":{\"message\":\"Model overloaded\",\"type\":\"server_error\"}}\n\n"))));

    assertTrue(e.getMessage().contains("Model overloaded"), e.getMessage());
  }

  @Test
  void streamCutOffBeforeTheEndIsReported() throws Exception {
    LlmException e = failure((request, body) -> eventStream(Source.from(List.of(Chunks.role(), Chunks.content("Hi")))));

    assertTrue(e.getMessage().contains("closed the stream before the answer was complete"), e.getMessage());
  }

  @Test
  void jsonInsteadOfAnEventStreamIsReported() throws Exception {
    LlmException e = failure((request, body) -> CompletableFuture.completedFuture(HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(ContentTypes.APPLICATION_JSON, "{\"object\":\"chat.completion\",\"choices\":[]}")));

    assertTrue(e.getMessage().contains("instead of an event stream"), e.getMessage());
  }

  @Test
  void toolSchemaThatIsNotJsonFailsWithoutCallingTheModel() {
    LlmRequest request = new LlmRequest(List.of(LlmMessage.user("hi")), List.of(new LlmTool("read_file", "Reads", "{not json")));
    CompletableFuture<?> done = client("http://127.0.0.1:9/v1").stream(request)
        .runWith(Sink.ignore(), testKit.system())
        .toCompletableFuture();

    ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(5, TimeUnit.SECONDS));
    LlmException cause = assertInstanceOf(LlmException.class, e.getCause());
    assertTrue(cause.getMessage().contains("tool read_file"), cause.getMessage());
  }
}
