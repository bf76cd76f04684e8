package codelab.platform.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmMessage;
import codelab.llm.LlmRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each request reaches its model's server, as that model's provider id and with its key, over real
 * HTTP: configuration in, two local servers out.
 */
class ModelRoutingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a server was asked: by whom (the Authorization header) and for which model. */
  private record Received(String server, String authorization, String model) {}

  private static final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private static ActorTestKit testKit;
  private static StubServer serverA;
  private static StubServer serverB;
  private static LlmClient client;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create();
    serverA = server("A");
    serverB = server("B");
    String config = """
        codelab.llm.models = [
          { name = "a", base-url = "%s", api-key = "sk-a", provider-model = "model-of-a", context-window = 1000 },
          { name = "b", base-url = "%s", api-key-env = "KEY_OF_B", provider-model = "model-of-b", context-window = 2000 },
          { name = "a-mini", base-url = "%s", api-key = "sk-a", provider-model = "mini-of-a", context-window = 500 }
        ]
        codelab.llm.default-model = "b"
        """.formatted(serverA.baseUrl(), serverB.baseUrl(), serverA.baseUrl());
    client = ConfiguredModels.start(testKit.system(), LlmConfig.codelab(config), Map.of("KEY_OF_B", "sk-b")::get).client();
  }

  @AfterAll
  static void stop() throws Exception {
    // pools still open when the system stops log a scary "shut down unexpectedly"
    Http.get(testKit.system()).shutdownAllConnectionPools().toCompletableFuture().get(5, TimeUnit.SECONDS);
    serverA.close();
    serverB.close();
    testKit.shutdownTestKit();
  }

  /** A server that answers every request with its own name, and notes what it was asked. */
  private static StubServer server(String name) throws Exception {
    return StubServer.start(testKit.system(), (request, body) -> {
      String authorization = request.getHeader("Authorization").map(HttpHeader::value).orElse(null);
      try {
        received.add(new Received(name, authorization, JSON.readTree(body).path("model").asText()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return CompletableFuture.completedFuture(HttpResponse.create()
          .withEntity(StubServer.events(List.of(Chunks.content(name), Chunks.finish("stop"), Chunks.DONE))));
    });
  }

  private static Received ask(String model) throws Exception {
    received.clear();
    List<LlmEvent> events = client.stream(new LlmRequest(List.of(LlmMessage.user("hi")), List.of(), model))
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    String answeredBy = events.stream()
        .filter(e -> e instanceof LlmEvent.TextDelta)
        .map(e -> ((LlmEvent.TextDelta) e).text())
        .collect(Collectors.joining());
    assertEquals(1, received.size(), received::toString);
    Received request = received.peek();
    assertEquals(request.server(), answeredBy, "the answer comes from the server that was asked");
    return request;
  }

  @Test
  void aRequestForAReachesAWithAsModelIdAndKey() throws Exception {
    assertEquals(new Received("A", "Bearer sk-a", "model-of-a"), ask("a"));
  }

  @Test
  void aRequestForBReachesBWithTheKeyFromTheVariableItNames() throws Exception {
    assertEquals(new Received("B", "Bearer sk-b", "model-of-b"), ask("b"));
  }

  @Test
  void twoModelsOfOneServerAreToldApartByTheirModelIds() throws Exception {
    assertEquals(new Received("A", "Bearer sk-a", "mini-of-a"), ask("a-mini"));
    assertEquals(new Received("A", "Bearer sk-a", "model-of-a"), ask("a"));
  }

  @Test
  void aRequestThatNamesNoModelGoesToTheDefault() throws Exception {
    assertEquals(new Received("B", "Bearer sk-b", "model-of-b"), ask(null));
  }

  @Test
  void aModelNoLongerConfiguredGoesToTheDefault() throws Exception {
    assertEquals(new Received("B", "Bearer sk-b", "model-of-b"), ask("retired"));
  }

  @Test
  void modelsOfOneEndpointShareOneAdapter() {
    List<String> adaptersMadeFor = new ArrayList<>();
    ModelRouter.over(
        new ModelList(List.of(
            new ModelSettings("a", Provider.OPENAI, "http://a/v1", "k", "a", 1),
            new ModelSettings("a-mini", Provider.OPENAI, "http://a/v1", "k", "mini", 1),
            new ModelSettings("a-other-key", Provider.OPENAI, "http://a/v1", "k2", "a", 1),
            new ModelSettings("b", Provider.OPENAI, "http://b/v1", "k", "b", 1)),
            "a"),
        model -> {
          adaptersMadeFor.add(model.name());
          return (request, providerModel) -> Source.<LlmEvent>empty().mapMaterializedValue(m -> NotUsed.getInstance());
        });

    assertEquals(List.of("a", "a-other-key", "b"), adaptersMadeFor);
  }
}
