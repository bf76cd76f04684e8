package codelab.platform.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.llm.Embeddings;
import codelab.llm.LlmException;
import codelab.platform.scripted.ScriptedModelServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embeddings client over real HTTP: against the scripted model, and against servers that fail in the ways providers do. */
class OpenAiEmbeddingsClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ActorTestKit testKit;
  private static ScriptedModelServer scripted;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create();
    scripted = ScriptedModelServer.start(testKit.system(), 0, Duration.ZERO, 0).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    // pools still open when the system stops log a scary "shut down unexpectedly"
    Http.get(testKit.system()).shutdownAllConnectionPools().toCompletableFuture().get(5, TimeUnit.SECONDS);
    scripted.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }

  private static OpenAiEmbeddingsClient client(String baseUrl, String apiKey, Duration timeout) {
    return new OpenAiEmbeddingsClient(testKit.system(),
        new OpenAiSettings(baseUrl, apiKey, ScriptedModelServer.EMBEDDING_MODEL, Duration.ofSeconds(2), timeout, timeout, 8));
  }

  private static OpenAiEmbeddingsClient client(String baseUrl) {
    // generous: the first request of a cold JVM is slow, and these tests are not about timeouts
    return client(baseUrl, null, Duration.ofSeconds(10));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void theScriptedModelEmbedsTextsInOrderAndTheSameTextAlike() throws Exception {
    Embeddings embeddings = client(scripted.baseUrl());

    List<float[]> vectors = await(embeddings.embed(List.of("deploy the service to kubernetes", "kubernetes service deploy", "bake a lemon cake")));

    assertEquals(3, vectors.size());
    vectors.forEach(v -> assertEquals(384, v.length));
    assertArrayEquals(vectors.get(0), await(embeddings.embed("deploy the service to kubernetes")), "the same text, the same vector");
    assertTrue(cosine(vectors.get(0), vectors.get(1)) > 0.7, "shared words: " + cosine(vectors.get(0), vectors.get(1)));
    assertTrue(Math.abs(cosine(vectors.get(0), vectors.get(2))) < 0.3, "no shared word: " + cosine(vectors.get(0), vectors.get(2)));
    assertEquals(List.of(), await(embeddings.embed(List.of())), "nothing to embed asks nothing");
  }

  @Test
  void sendsTheModelAndTheKeyAndReadsBase64Answers() throws Exception {
    AtomicReference<HttpRequest> seen = new AtomicReference<>();
    AtomicReference<JsonNode> sent = new AtomicReference<>();
    // 1.0 and -2.5 as little-endian float32s
    String answer = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"AACAPwAAIMA=\"}],"
        + "\"model\":\"m\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}";
    try (StubServer server = StubServer.start(testKit.system(), (request, body) -> {
      seen.set(request);
      sent.set(read(body));
      return json(StatusCodes.OK, answer);
    })) {
      float[] vector = await(client(server.baseUrl(), "sk-test", Duration.ofSeconds(10)).embed("hello"));

      assertArrayEquals(new float[] {1.0f, -2.5f}, vector);
    }
    assertEquals("/v1/embeddings", seen.get().getUri().path());
    assertEquals("Bearer sk-test", seen.get().getHeader("Authorization").orElseThrow().value());
    assertEquals(ScriptedModelServer.EMBEDDING_MODEL, sent.get().path("model").asText());
    assertEquals("hello", sent.get().path("input").get(0).asText());
  }

  @Test
  void anHttpErrorIsAnLlmExceptionWithTheProvidersWords() throws Exception {
    LlmException failure = failure((request, body) ->
        json(StatusCodes.UNAUTHORIZED, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}"));

    assertTrue(failure.getMessage().contains("HTTP 401"), failure.getMessage());
    assertTrue(failure.getMessage().contains("Incorrect API key provided"), failure.getMessage());
  }

  @Test
  void theScriptedModelsRefusalOfAnEmptyTextIsAnLlmException() throws Exception {
    LlmException failure = failureOf(client(scripted.baseUrl()).embed(""));

    assertTrue(failure.getMessage().contains("HTTP 400") && failure.getMessage().contains("empty string"), failure.getMessage());
  }

  @Test
  void anAnswerThatIsNotEmbeddingsIsAnLlmException() throws Exception {
    for (String answer : List.of(
        "{\"data\":[]}",
        "{\"object\":\"list\"}",
        "{\"data\":[{\"index\":0,\"embedding\":[\"a\"]}]}",
        "{\"data\":[{\"index\":3,\"embedding\":[1.0]}]}",
        "not json")) {
      LlmException failure = failure((request, body) -> json(StatusCodes.OK, answer));

      assertTrue(failure.getMessage().contains("cannot be used"), answer + ": " + failure.getMessage());
    }
  }

  @Test
  void anUnreachableOrSilentServerIsAnLlmException() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    LlmException unreachable = failureOf(client("http://127.0.0.1:" + closedPort + "/v1").embed("x"));
    assertTrue(unreachable.getMessage().startsWith("Cannot reach the model at"), unreachable.getMessage());

    try (StubServer silent = StubServer.start(testKit.system(), (request, body) -> new CompletableFuture<>())) {
      LlmException timeout = failureOf(client(silent.baseUrl(), null, Duration.ofMillis(300)).embed("x"));
      assertTrue(timeout.getMessage().contains("sent no embeddings within 300 ms"), timeout.getMessage());
    }
  }

  @Test
  void theNodesEmbeddingsAreTheScriptedModelsOrTheConfiguredModelAtTheDefaultEndpoint() throws Exception {
    Function<String, String> noEnvironment = Map.<String, String>of()::get;

    Embeddings scriptedOnes = ConfiguredModels.start(testKit.system(), LlmConfig.codelab("codelab.scripted-model.token-delay-ms = 0"), noEnvironment)
        .embeddings();
    assertEquals(384, await(scriptedOnes.embed("hello world")).length);

    AtomicReference<JsonNode> sent = new AtomicReference<>();
    try (StubServer server = StubServer.start(testKit.system(), (request, body) -> {
      sent.set(read(body));
      return json(StatusCodes.OK, "{\"data\":[{\"index\":0,\"embedding\":[0.6,0.8]}]}");
    })) {
      String endpoint = "codelab.llm { base-url = \"" + server.baseUrl() + "\", model = \"chat-model\" }";
      Embeddings configured = ConfiguredModels.start(testKit.system(),
          LlmConfig.codelab(endpoint + "\ncodelab.llm.embedding-model = \"embed-model\""), noEnvironment).embeddings();
      assertArrayEquals(new float[] {0.6f, 0.8f}, await(configured.embed("hello world")));
      assertEquals("embed-model", sent.get().path("model").asText());

      Embeddings unnamed = ConfiguredModels.start(testKit.system(), LlmConfig.codelab(endpoint), noEnvironment).embeddings();
      LlmException failure = failureOf(unnamed.embed("hello world"));
      assertTrue(failure.getMessage().contains("CODELAB_LLM_EMBEDDING_MODEL"), failure.getMessage());
    }
  }

  private static LlmException failure(BiFunction<HttpRequest, String, CompletionStage<HttpResponse>> handler) throws Exception {
    try (StubServer server = StubServer.start(testKit.system(), handler)) {
      return failureOf(client(server.baseUrl()).embed("x"));
    }
  }

  private static LlmException failureOf(CompletionStage<?> stage) {
    ExecutionException failed = assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS));
    return assertInstanceOf(LlmException.class, failed.getCause());
  }

  private static CompletionStage<HttpResponse> json(StatusCode status, String body) {
    return CompletableFuture.completedFuture(HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body));
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new AssertionError(body, e);
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) dot += a[i] * b[i];
    return dot;
  }
}
