package codelab.platform.scripted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scripted model's wire format, read raw: what any OpenAI client (not only ours) gets. */
class ScriptedModelServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ActorTestKit testKit;
  private static ScriptedModelServer server;

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create();
    server = ScriptedModelServer.start(testKit.system(), 0, Duration.ZERO, 0).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    // pools still open when the system stops log a scary "shut down unexpectedly"
    Http.get(testKit.system()).shutdownAllConnectionPools().toCompletableFuture().get(5, TimeUnit.SECONDS);
    server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }

  private static HttpResponse send(HttpRequest request) throws Exception {
    return Http.get(testKit.system()).singleRequest(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static String body(HttpResponse response) throws Exception {
    return response.entity().toStrict(5_000, testKit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS)
        .getData().utf8String();
  }

  private static HttpResponse chat(String json) throws Exception {
    return send(HttpRequest.POST(server.baseUrl() + "/chat/completions").withEntity(ContentTypes.APPLICATION_JSON, json));
  }

  @Test
  void listsItsModel() throws Exception {
    HttpResponse response = send(HttpRequest.GET(server.baseUrl() + "/models"));

    assertEquals(200, response.status().intValue());
    assertEquals(ScriptedModelServer.MODEL, JSON.readTree(body(response)).path("data").get(0).path("id").asText());
  }

  @Test
  void streamsOpenAiChunksEndingInDone() throws Exception {
    HttpResponse response = chat("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"run ls -la\"}]}");

    assertEquals("text/event-stream", response.entity().getContentType().mediaType().toString());
    String[] frames = body(response).split("\n\n");
    assertEquals("data: [DONE]", frames[frames.length - 1]);
    List<JsonNode> chunks = new ArrayList<>();
    for (int i = 0; i < frames.length - 1; i++) {
      assertTrue(frames[i].startsWith("data: "), frames[i]);
      chunks.add(JSON.readTree(frames[i].substring("data: ".length())));
    }
    chunks.forEach(c -> assertEquals("chat.completion.chunk", c.path("object").asText()));
    assertEquals("assistant", chunks.get(0).path("choices").get(0).path("delta").path("role").asText());
    JsonNode header = chunks.get(1).path("choices").get(0).path("delta").path("tool_calls").get(0);
    assertEquals("execute_command", header.path("function").path("name").asText());
    StringBuilder arguments = new StringBuilder();
    int fragments = 0;
    for (JsonNode chunk : chunks.subList(2, chunks.size() - 2)) {
      arguments.append(chunk.path("choices").get(0).path("delta").path("tool_calls").get(0).path("function").path("arguments").asText());
      fragments++;
    }
    assertTrue(fragments > 1, "arguments come in several fragments");
    assertEquals("{\"command\":\"ls -la\"}", arguments.toString());
    assertEquals("tool_calls", chunks.get(chunks.size() - 2).path("choices").get(0).path("finish_reason").asText());
    JsonNode usage = chunks.get(chunks.size() - 1).path("usage");
    assertEquals(3, usage.path("prompt_tokens").asInt());
    assertEquals(1 + fragments, usage.path("completion_tokens").asInt());
  }

  @Test
  void answersWithoutStreamingWhenAskedTo() throws Exception {
    HttpResponse response = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");

    JsonNode completion = JSON.readTree(body(response));
    assertEquals("chat.completion", completion.path("object").asText());
    assertEquals("You said: hello", completion.path("choices").get(0).path("message").path("content").asText());
  }

  @Test
  void proposesAPlanThroughCreatePlanWhenTheRequestOffersIt() throws Exception {
    String plan = "plan: A: outline the module; B: write the left half after A; C: write the right half after A as architect;"
        + " D: join them after B and C";
    String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"parameters\":{}}},"
        + "{\"type\":\"function\",\"function\":{\"name\":\"create_plan\",\"parameters\":{}}}]";
    String request = "{\"model\":\"m\",\"tools\":" + tools + ",\"messages\":[{\"role\":\"system\",\"content\":\"You plan.\"},"
        + "{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(plan) + "}]}";

    JsonNode choice = JSON.readTree(body(chat(request))).path("choices").get(0);

    assertEquals("tool_calls", choice.path("finish_reason").asText());
    JsonNode calls = choice.path("message").path("tool_calls");
    assertEquals(1, calls.size());
    assertEquals("create_plan", calls.get(0).path("function").path("name").asText());
    JsonNode tasks = JSON.readTree(calls.get(0).path("function").path("arguments").asText()).path("tasks");
    assertEquals(JSON.readTree("""
        [{"task_id":"A","title":"outline the module","agent_role":"coder","instructions":"outline the module","depends_on":[]},
         {"task_id":"B","title":"write the left half","agent_role":"coder","instructions":"write the left half","depends_on":["A"]},
         {"task_id":"C","title":"write the right half","agent_role":"architect","instructions":"write the right half",
          "depends_on":["A"]},
         {"task_id":"D","title":"join them","agent_role":"coder","instructions":"join them","depends_on":["B","C"]}]
        """), tasks);

    // the call id is reproducible for one conversation and differs in another, like every scripted call's
    String callId = calls.get(0).path("id").asText();
    assertTrue(callId.startsWith("call_"), callId);
    JsonNode again = JSON.readTree(body(chat(request))).path("choices").get(0).path("message").path("tool_calls").get(0);
    assertEquals(callId, again.path("id").asText());
    String laterTurn = request.replace("\"You plan.\"}", "\"You plan.\"},{\"role\":\"user\",\"content\":\"hi\"},"
        + "{\"role\":\"assistant\",\"content\":\"You said: hi\"}");
    JsonNode later = JSON.readTree(body(chat(laterTurn))).path("choices").get(0).path("message").path("tool_calls").get(0);
    assertEquals("create_plan", later.path("function").path("name").asText());
    assertNotEquals(callId, later.path("id").asText());
  }

  @Test
  void answersAPlanAsTextWhenTheRequestDoesNotOfferCreatePlan() throws Exception {
    String plan = "plan: A: outline the module; B: write the left half after A";
    String otherTools = "[{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"parameters\":{}}}]";
    for (String tools : List.of("", ",\"tools\":" + otherTools)) {
      String request = "{\"model\":\"m\"" + tools + ",\"messages\":[{\"role\":\"user\",\"content\":"
          + JSON.writeValueAsString(plan) + "}]}";

      JsonNode choice = JSON.readTree(body(chat(request))).path("choices").get(0);

      assertEquals("stop", choice.path("finish_reason").asText(), request);
      assertEquals("You said: " + plan, choice.path("message").path("content").asText(), request);
    }
  }

  @Test
  void rejectsARequestWithoutMessages() throws Exception {
    HttpResponse response = chat("{\"model\":\"m\"}");

    assertEquals(400, response.status().intValue());
    assertTrue(JSON.readTree(body(response)).path("error").path("message").asText().contains("messages"));
  }

  @Test
  void embedsEachInputInOpenAisShape() throws Exception {
    HttpResponse response = embeddings("{\"model\":\"e\",\"input\":[\"red apples\",\"green pears and red apples\"]}");

    assertEquals(200, response.status().intValue());
    JsonNode list = JSON.readTree(body(response));
    assertEquals("list", list.path("object").asText());
    assertEquals("e", list.path("model").asText());
    assertEquals(2, list.path("data").size());
    for (int i = 0; i < 2; i++) {
      JsonNode embedding = list.path("data").get(i);
      assertEquals("embedding", embedding.path("object").asText());
      assertEquals(i, embedding.path("index").asInt());
      assertEquals(ScriptedEmbeddings.DEFAULT_DIMENSIONS, embedding.path("embedding").size());
    }
    assertEquals(7, list.path("usage").path("prompt_tokens").asInt(), "a word is a token");
    assertEquals(7, list.path("usage").path("total_tokens").asInt());
  }

  @Test
  void embedsOneStringInTheDimensionsAndEncodingAsked() throws Exception {
    JsonNode floats = JSON.readTree(body(embeddings("{\"input\":\"red apples\",\"dimensions\":16}")));
    JsonNode packed = JSON.readTree(body(embeddings("{\"input\":\"red apples\",\"dimensions\":16,\"encoding_format\":\"base64\"}")));

    assertEquals(ScriptedModelServer.EMBEDDING_MODEL, floats.path("model").asText(), "the model named when the request names none");
    JsonNode vector = floats.path("data").get(0).path("embedding");
    assertEquals(16, vector.size());
    FloatBuffer decoded = ByteBuffer.wrap(Base64.getDecoder().decode(packed.path("data").get(0).path("embedding").asText()))
        .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    assertEquals(16, decoded.remaining());
    for (int i = 0; i < 16; i++) assertEquals(vector.get(i).floatValue(), decoded.get(i));
  }

  @Test
  void refusesBadEmbeddingInputWithOpenAisError() throws Exception {
    for (String bad : List.of("{}", "not json", "{\"input\":[]}", "{\"input\":\"\"}", "{\"input\":[[1,2]]}", "{\"input\":42}",
        "{\"input\":\"x\",\"dimensions\":0}", "{\"input\":\"x\",\"encoding_format\":\"hex\"}")) {
      HttpResponse response = embeddings(bad);

      assertEquals(400, response.status().intValue(), bad);
      JsonNode error = JSON.readTree(body(response)).path("error");
      assertEquals("invalid_request_error", error.path("type").asText(), bad);
      assertTrue(!error.path("message").asText().isBlank(), bad);
    }
  }

  private static HttpResponse embeddings(String json) throws Exception {
    return send(HttpRequest.POST(server.baseUrl() + "/embeddings").withEntity(ContentTypes.APPLICATION_JSON, json));
  }
}
