package codelab.platform.llm;

import codelab.llm.Embeddings;
import codelab.llm.LlmException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.stream.Materializer;

/**
 * {@link Embeddings} from any OpenAI-compatible {@code /v1/embeddings} endpoint (OpenAI, Ollama,
 * vLLM, LiteLLM, the scripted model) over pekko-http, on the same connection pool settings as the
 * chat client. A whole answer must arrive within the settings' first-token timeout.
 */
public final class OpenAiEmbeddingsClient implements Embeddings {

  // 2,048 texts (OpenAI's limit per request) of 3,072 dimensions, as JSON text
  private static final long MAX_BODY_BYTES = 256L * 1024 * 1024;

  private final OpenAiEndpoint endpoint;
  private final ObjectMapper json = new ObjectMapper();
  private final Materializer materializer;
  private final LoggingAdapter log;

  public OpenAiEmbeddingsClient(ActorSystem<?> system, OpenAiSettings settings) {
    this.endpoint = new OpenAiEndpoint(system, settings, json);
    this.materializer = Materializer.matFromSystem(system);
    this.log = system.classicSystem().log();
  }

  @Override
  public CompletionStage<List<float[]>> embed(List<String> texts) {
    if (texts.isEmpty()) return CompletableFuture.completedFuture(List.of());
    OpenAiSettings settings = endpoint.settings();
    byte[] body;
    try {
      ObjectNode request = json.createObjectNode().put("model", settings.model());
      texts.forEach(request.putArray("input")::add);
      body = json.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(new LlmException("Could not write the embeddings request: " + e.getOriginalMessage(), e));
    }
    long timeout = settings.firstTokenTimeout().toMillis();
    return endpoint.send(endpoint.post("/embeddings", body, MediaTypes.APPLICATION_JSON.toRange()), log)
        .exceptionally(failure -> {
          throw endpoint.unreachable(failure);
        })
        .thenCompose(response -> response.status().isSuccess()
            ? response.entity().toStrict(timeout, MAX_BODY_BYTES, materializer).thenApply(strict -> vectors(strict.getData().toArray(), texts.size()))
            : endpoint.refusal(response, materializer).thenApply(refusal -> {
              throw refusal;
            }))
        .toCompletableFuture()
        .orTimeout(timeout, TimeUnit.MILLISECONDS)
        .exceptionally(failure -> {
          throw asLlmException(failure);
        });
  }

  private List<float[]> vectors(byte[] body, int expected) {
    JsonNode answer;
    try {
      answer = json.readTree(body);
    } catch (IOException e) {
      throw unreadable("not JSON (" + e.getMessage() + ")");
    }
    JsonNode data = answer == null ? null : answer.get("data");
    if (data == null || !data.isArray()) throw unreadable("no \"data\" array");
    if (data.size() != expected) throw unreadable(data.size() + " embeddings for " + expected + " texts");
    float[][] vectors = new float[expected][];
    int dimensions = -1;
    for (JsonNode item : data) {
      int index = item.path("index").asInt(-1);
      if (index < 0 || index >= expected || vectors[index] != null) throw unreadable("an embedding with index " + item.path("index"));
      float[] vector = vector(item.get("embedding"));
      if (vector.length == 0) throw unreadable("an empty embedding");
      if (dimensions >= 0 && vector.length != dimensions) throw unreadable("embeddings of " + dimensions + " and of " + vector.length + " dimensions");
      dimensions = vector.length;
      vectors[index] = vector;
    }
    return Arrays.asList(vectors);
  }

  /** An array of numbers, or (when a server answers as if asked for {@code encoding_format: base64}) little-endian float32s. */
  private float[] vector(JsonNode embedding) {
    if (embedding != null && embedding.isTextual()) {
      FloatBuffer floats;
      try {
        floats = ByteBuffer.wrap(Base64.getDecoder().decode(embedding.asText())).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      } catch (IllegalArgumentException e) {
        throw unreadable("an embedding that is neither numbers nor base64");
      }
      float[] vector = new float[floats.remaining()];
      floats.get(vector);
      return vector;
    }
    if (embedding == null || !embedding.isArray()) throw unreadable("an embedding that is not an array of numbers");
    float[] vector = new float[embedding.size()];
    for (int i = 0; i < vector.length; i++) {
      JsonNode value = embedding.get(i);
      if (!value.isNumber()) throw unreadable("an embedding that is not an array of numbers");
      vector[i] = value.floatValue();
    }
    return vector;
  }

  private LlmException unreadable(String why) {
    return new LlmException("The model at " + endpoint.settings().baseUrl() + " sent embeddings that cannot be used: " + why);
  }

  private LlmException asLlmException(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof LlmException llm) return llm;
    if (cause instanceof TimeoutException) {
      return new LlmException("The model at " + endpoint.settings().baseUrl() + " sent no embeddings within "
          + OpenAiEndpoint.human(endpoint.settings().firstTokenTimeout()) + " of the request");
    }
    return new LlmException("The embeddings request to the model at " + endpoint.settings().baseUrl() + " failed: "
        + OpenAiEndpoint.rootMessage(cause), cause);
  }
}
