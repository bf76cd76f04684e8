package codelab.platform.llm;

import codelab.llm.LlmException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaRange;
import org.apache.pekko.http.javadsl.model.headers.Accept;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * One OpenAI-compatible server as this node's clients of it (chat, embeddings) reach it: its URL and
 * key, the connection pool sized and timed from {@link OpenAiSettings}, and how its failures read.
 * Clients with equal settings share pekko-http's pool for the host.
 */
final class OpenAiEndpoint {

  private static final long MAX_ERROR_BODY_BYTES = 64 * 1024;

  private final OpenAiSettings settings;
  private final Http http;
  private final ConnectionPoolSettings pool;
  private final ObjectMapper json;

  OpenAiEndpoint(ActorSystem<?> system, OpenAiSettings settings, ObjectMapper json) {
    this.settings = settings;
    this.json = json;
    this.http = Http.get(system);
    ClientConnectionSettings connection = ClientConnectionSettings.create(system.classicSystem());
    // the connection's own idle timeout must not beat ours: ours says what went wrong
    Duration quietest = max(settings.firstTokenTimeout(), settings.idleTimeout()).plusSeconds(5);
    this.pool = ConnectionPoolSettings.create(system.classicSystem())
        .withMaxConnections(settings.maxConnections())
        .withMaxOpenRequests(powerOfTwoAtLeast(2 * settings.maxConnections()))
        .withConnectionSettings(connection
            .withConnectingTimeout(settings.connectTimeout())
            .withIdleTimeout(max(quietest, javaDuration(connection.getIdleTimeout()))));
  }

  OpenAiSettings settings() {
    return settings;
  }

  /** A POST of a JSON body to {@code path} under the base URL, with the key when there is one. */
  HttpRequest post(String path, byte[] body, MediaRange accept) {
    HttpRequest request = HttpRequest.POST(settings.baseUrl() + path)
        .withEntity(ContentTypes.APPLICATION_JSON, body)
        .addHeader(Accept.create(accept));
    return settings.hasApiKey() ? request.addHeader(Authorization.oauth2(settings.apiKey())) : request;
  }

  /** The response; whoever gets it owns its entity and must read or discard it. */
  CompletionStage<HttpResponse> send(HttpRequest request, LoggingAdapter log) {
    return http.singleRequest(request, http.defaultClientHttpsContext(), pool, log);
  }

  /** Why a response is not an answer, in the provider's own words where it gave some. */
  CompletionStage<String> errorBody(HttpResponse response, Materializer materializer) {
    return response.entity()
        .toStrict(settings.firstTokenTimeout().toMillis(), MAX_ERROR_BODY_BYTES, materializer)
        .handle((strict, failure) -> strict == null
            ? "(the body could not be read)"
            : ErrorBodies.describe(json, strict.getData().utf8String()));
  }

  /** The failure a non-2xx response stands for, its body read for the provider's sentence. */
  CompletionStage<LlmException> refusal(HttpResponse response, Materializer materializer) {
    String status = response.status().intValue() + " " + response.status().reason();
    return errorBody(response, materializer)
        .thenApply(said -> new LlmException("The model at " + settings.baseUrl() + " answered HTTP " + status + ": " + said));
  }

  LlmException unreachable(Throwable failure) {
    return new LlmException("Cannot reach the model at " + settings.baseUrl() + ": " + rootMessage(failure), failure);
  }

  static String rootMessage(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t.getMessage() == null) && t.getCause() != null) t = t.getCause();
    while (t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null) t = t.getCause();
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Duration javaDuration(scala.concurrent.duration.Duration d) {
    return d.isFinite() ? Duration.ofNanos(d.toNanos()) : Duration.ofDays(365);
  }

  private static int powerOfTwoAtLeast(int n) {
    return Integer.highestOneBit(Math.max(1, n - 1)) << 1;
  }
}
