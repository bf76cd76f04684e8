package codelab.platform.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmMessage;
import codelab.llm.LlmRequest;
import codelab.llm.LlmTool;
import codelab.llm.LlmToolCall;
import codelab.platform.scripted.ScriptedModelServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI adapter against the scripted model, over real HTTP: the path a node without a configured model takes. */
class OpenAiChatClientScriptedModelTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<LlmTool> TOOLS = List.of(new LlmTool(
      "read_file", "Reads a file", "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}"));

  private static ActorTestKit testKit;
  private static ScriptedModelServer plain;
  private static ScriptedModelServer padded;
  private static LlmClient client;
  private static LlmClient paddedClient;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create();
    plain = ScriptedModelServer.start(testKit.system(), 0, Duration.ZERO, 0).toCompletableFuture().get(5, TimeUnit.SECONDS);
    padded = ScriptedModelServer.start(testKit.system(), 0, Duration.ofMillis(2), 5).toCompletableFuture().get(5, TimeUnit.SECONDS);
    client = new OpenAiChatClient(testKit.system(), settings(plain.baseUrl()));
    paddedClient = new OpenAiChatClient(testKit.system(), settings(padded.baseUrl()));
  }

  @AfterAll
  static void stop() throws Exception {
    // pools still open when the system stops log a scary "shut down unexpectedly"
    Http.get(testKit.system()).shutdownAllConnectionPools().toCompletableFuture().get(5, TimeUnit.SECONDS);
    plain.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    padded.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }

  private static OpenAiSettings settings(String baseUrl) {
    // generous: the first request of a cold JVM is slow, and these tests are not about timeouts
    return new OpenAiSettings(baseUrl, null, "codelab-scripted", Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), 8);
  }

  private static List<LlmEvent> run(LlmClient client, LlmMessage... messages) throws Exception {
    return client.stream(new LlmRequest(List.of(messages), TOOLS))
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static String text(List<LlmEvent> events) {
    return events.stream()
        .filter(e -> e instanceof LlmEvent.TextDelta)
        .map(e -> ((LlmEvent.TextDelta) e).text())
        .collect(Collectors.joining());
  }

  private static <T extends LlmEvent> List<T> only(List<LlmEvent> events, Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void quotesTheLastUserMessageWordByWord() throws Exception {
    List<LlmEvent> events = run(client,
        LlmMessage.system("You are a helpful coder."),
        LlmMessage.user("an earlier question"),
        LlmMessage.assistant("an earlier answer"),
        LlmMessage.user("Explain  this\ncode, please "));

    assertEquals("You said: Explain  this\ncode, please ", text(events));
    assertEquals(6, only(events, LlmEvent.TextDelta.class).size(), "one delta per word: " + events);
    assertEquals(new LlmEvent.Completed("stop"), events.get(events.size() - 1));
    // prompt: 5 + 3 + 3 + 4 words; completion: the 6 tokens streamed
    assertEquals(List.of(new LlmEvent.Usage(15, 6)), only(events, LlmEvent.Usage.class));
    assertTrue(only(events, LlmEvent.ToolCallsRequested.class).isEmpty());
  }

  @Test
  void requestsAToolCallAssembledFromFragments() throws Exception {
    List<LlmEvent> events = run(client, LlmMessage.system("sys"), LlmMessage.user("Please read_file src/Main.java."));

    List<LlmEvent.ToolCallsRequested> requested = only(events, LlmEvent.ToolCallsRequested.class);
    assertEquals(1, requested.size(), events::toString);
    List<LlmToolCall> calls = requested.get(0).calls();
    assertEquals(1, calls.size());
    assertEquals("read_file", calls.get(0).name());
    assertTrue(calls.get(0).id().startsWith("call_"), calls.get(0).id());
    assertEquals(JSON.readTree("{\"path\":\"src/Main.java\"}"), JSON.readTree(calls.get(0).argumentsJson()));
    assertEquals("", text(events));
    assertEquals(new LlmEvent.Completed("tool_calls"), events.get(events.size() - 1));
    assertEquals(
        List.of(LlmEvent.ToolCallsRequested.class, LlmEvent.Usage.class, LlmEvent.Completed.class),
        events.stream().map(Object::getClass).toList());
  }

  @Test
  void requestsTwoToolCallsInOneAnswer() throws Exception {
    List<LlmEvent> events = run(client, LlmMessage.user("write_file notes.md and then run mvn -q test"));

    List<LlmToolCall> calls = only(events, LlmEvent.ToolCallsRequested.class).get(0).calls();
    assertEquals(List.of("write_file", "execute_command"), calls.stream().map(LlmToolCall::name).toList());
    JsonNode write = JSON.readTree(calls.get(0).argumentsJson());
    assertEquals("notes.md", write.get("path").asText());
    assertTrue(write.get("content").asText().length() > 0);
    assertEquals(JSON.readTree("{\"command\":\"mvn -q test\"}"), JSON.readTree(calls.get(1).argumentsJson()));
    assertTrue(!calls.get(0).id().equals(calls.get(1).id()), "distinct call ids");
    assertEquals(1, only(events, LlmEvent.Usage.class).size());
  }

  @Test
  void summarisesAToolResult() throws Exception {
    LlmToolCall call = new LlmToolCall("call_1", "list_files", "{\"path\":\".\"}");
    List<LlmEvent> events = run(client,
        LlmMessage.system("sys"),
        LlmMessage.user("list_files ."),
        new LlmMessage("assistant", null, List.of(call), null),
        new LlmMessage("tool", "pom.xml\nsrc", List.of(), "call_1"));

    assertEquals("The list_files call returned: pom.xml src", text(events));
    assertEquals(new LlmEvent.Completed("stop"), events.get(events.size() - 1));
  }

  @Test
  void appendsFillerTokensAtThePacedServer() throws Exception {
    List<LlmEvent> events = run(paddedClient, LlmMessage.user("hi"));

    assertEquals("You said: hi lorem lorem lorem lorem lorem", text(events));
    assertEquals(List.of(new LlmEvent.Usage(1, 8)), only(events, LlmEvent.Usage.class));
  }

  @Test
  void answersTheSameConversationTheSameWay() throws Exception {
    LlmMessage ask = LlmMessage.user("read_file a.txt and list_files src");
    assertEquals(run(client, ask), run(client, ask));
  }
}
