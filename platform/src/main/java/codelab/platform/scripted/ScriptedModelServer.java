package codelab.platform.scripted;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The scripted model: a deterministic OpenAI-compatible server on 127.0.0.1 that the node talks to
 * through the same adapter as a real provider when no model is configured. Serves
 * {@code POST /v1/chat/completions} (streamed as SSE, or as one document when {@code stream} is
 * false), {@code POST /v1/embeddings} and {@code GET /v1/models}. What it answers is decided by
 * {@link ScriptedModel}; its embeddings by {@link ScriptedEmbeddings}.
 */
public final class ScriptedModelServer {

  /** The one model this server offers, and the name it answers with when a request names none. */
  public static final String MODEL = "codelab-scripted";
  /** The embedding model it offers: words hashed into vectors, so that texts sharing words are close. */
  public static final String EMBEDDING_MODEL = "codelab-scripted-embedding";

  private final ServerBinding binding;

  private ScriptedModelServer(ServerBinding binding) {
    this.binding = binding;
  }

  /**
   * Binds the server.
   *
   * @param port 0 for an ephemeral port
   * @param tokenDelay the pause between two streamed tokens; zero streams as fast as the client reads
   * @param extraTokens filler tokens appended to every text answer (to make answers long for load tests)
   */
  public static CompletionStage<ScriptedModelServer> start(
      ActorSystem<?> system, int port, Duration tokenDelay, int extraTokens) {
    Objects.requireNonNull(tokenDelay, "tokenDelay");
    if (tokenDelay.isNegative()) throw new IllegalArgumentException("tokenDelay must not be negative");
    ObjectMapper json = new ObjectMapper();
    Routes routes = new Routes(
        json, new ScriptedModel(json, extraTokens), new CompletionWire(json), new EmbeddingWire(json), tokenDelay);
    return Http.get(system).newServerAt("127.0.0.1", port).bind(routes.route()).thenApply(ScriptedModelServer::new);
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** The OpenAI base URL of this server, {@code /v1} included. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /** Stops accepting connections and ends running answers within a second. */
  public CompletionStage<Done> stop() {
    return binding.terminate(Duration.ofSeconds(1)).thenApply(terminated -> Done.getInstance());
  }

  private record Routes(
      ObjectMapper json, ScriptedModel model, CompletionWire wire, EmbeddingWire embeddingWire, Duration tokenDelay) {

    Route route() {
      return pathPrefix("v1", () -> concat(
          path(segment("chat").slash("completions"), () -> post(() ->
              entity(Unmarshaller.entityToString(), this::chatCompletions))),
          path("embeddings", () -> post(() -> entity(Unmarshaller.entityToString(), this::embeddings))),
          path("models", () -> get(() -> complete(jsonResponse(StatusCodes.OK, models()))))));
    }

    private Route chatCompletions(String body) {
      JsonNode request;
      try {
        request = json.readTree(body);
      } catch (Exception e) {
        return complete(error("The request body is not JSON"));
      }
      if (request == null || !request.path("messages").isArray()) {
        return complete(error("The request needs a \"messages\" array"));
      }
      JsonNode messages = request.get("messages");
      String model = request.path("model").asText(MODEL);
      String id = this.model.completionId(messages);
      ScriptedReply reply = this.model.answer(messages, offeredTools(request));
      if (!request.path("stream").asBoolean(false)) {
        return complete(jsonResponse(StatusCodes.OK, wire.completion(reply, id, model)));
      }
      CompletionWire.Frames frames = wire.stream(reply, id, model);
      Source<String, ?> tokens = Source.from(frames.tokens());
      if (!tokenDelay.isZero()) tokens = tokens.throttle(1, tokenDelay, 1, ThrottleMode.shaping());
      Source<ByteString, ?> sse = Source.from(frames.head())
          .concat(tokens)
          .concat(Source.from(frames.tail()))
          .map(ByteString::fromString);
      return complete(HttpResponse.create()
          .withStatus(StatusCodes.OK)
          .addHeader(CacheControl.create(CacheDirectives.NO_CACHE))
          .withEntity(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), sse)));
    }

    /** The names of the functions a Chat Completions request offers ({@code tools[].function.name}). */
    private static Set<String> offeredTools(JsonNode request) {
      Set<String> names = new HashSet<>();
      for (JsonNode tool : request.path("tools")) {
        JsonNode name = tool.path("function").path("name");
        if (tool.path("type").asText("function").equals("function") && name.isTextual()) names.add(name.asText());
      }
      return names;
    }

    private Route embeddings(String body) {
      EmbeddingWire.Request request;
      try {
        request = embeddingWire.read(body);
      } catch (IllegalArgumentException e) {
        return complete(error(e.getMessage()));
      }
      return complete(jsonResponse(StatusCodes.OK, embeddingWire.answer(request)));
    }

    private String models() {
      ObjectNode list = json.createObjectNode().put("object", "list");
      ArrayNode data = list.putArray("data");
      for (String id : new String[] {MODEL, EMBEDDING_MODEL}) {
        data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", "codelab");
      }
      return list.toString();
    }

    private HttpResponse error(String message) {
      ObjectNode body = json.createObjectNode();
      body.putObject("error").put("message", message).put("type", "invalid_request_error");
      return jsonResponse(StatusCodes.BAD_REQUEST, body.toString());
    }

    private static HttpResponse jsonResponse(org.apache.pekko.http.javadsl.model.StatusCode status, String body) {
      return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body);
    }
  }
}
