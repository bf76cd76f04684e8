package codelab.platform.llm;

import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmException;
import codelab.llm.LlmRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.InitialTimeoutException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamIdleTimeoutException;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * {@link LlmClient} for any OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, vLLM,
 * LiteLLM, the scripted model), streaming over pekko-http. Each materialisation of the returned
 * source sends one request; cancelling it closes the connection, so a cancelled turn stops the model.
 * A whole answer leaves its connection in the pool for the next one. One client serves every model of
 * its endpoint: the model is chosen per request.
 */
public final class OpenAiChatClient implements LlmClient, ModelProvider {

  // one SSE line holds one chunk; a chunk far beyond this is not a chat answer
  private static final int MAX_LINE_BYTES = 1024 * 1024;
  // how long the end of a body may trail its [DONE] before the connection is given up rather than pooled
  private static final Duration LINGER_AFTER_ANSWER = Duration.ofSeconds(2);

  private final OpenAiSettings settings;
  private final ObjectMapper json = new ObjectMapper();
  private final OpenAiEndpoint endpoint;
  private final ChatCompletionsRequest requests = new ChatCompletionsRequest(json);

  public OpenAiChatClient(ActorSystem<?> system, OpenAiSettings settings) {
    this.settings = settings;
    this.endpoint = new OpenAiEndpoint(system, settings, json);
  }

  /** Asks the settings' model. */
  @Override
  public Source<LlmEvent, NotUsed> stream(LlmRequest request) {
    return stream(request, settings.model());
  }

  @Override
  public Source<LlmEvent, NotUsed> stream(LlmRequest request, String providerModel) {
    byte[] body;
    try {
      body = requests.body(request, providerModel);
    } catch (LlmException e) {
      return Source.failed(e);
    }
    return withTimeouts(eventData(body, request.traceparent()))
        // Optional.empty() marks a body that ended normally; a failed one never reaches the decoder's end check
        .map(Optional::of)
        .concat(Source.single(Optional.<String>empty()))
        .statefulMap(
            () -> new ChatChunkDecoder(json, settings.baseUrl()),
            (decoder, data) -> Pair.create(decoder, data.isPresent() ? decoder.accept(data.get()) : decoder.end()),
            decoder -> Optional.empty())
        .mapConcat(events -> events)
        .via(new EndOfAnswer(LINGER_AFTER_ANSWER))
        .mapError(Throwable.class, this::asLlmException);
  }

  /** The SSE data payloads of one request's response, or a failed source saying why there are none. */
  private Source<String, NotUsed> eventData(byte[] body, String traceparent) {
    return Source.<String, NotUsed>fromMaterializer((materializer, attributes) -> {
          org.apache.pekko.http.javadsl.model.HttpRequest post = endpoint.post("/chat/completions", body, MediaTypes.TEXT_EVENT_STREAM.toRange());
          // the provider sees the trace of the request that caused the call
          if (traceparent != null) post = post.addHeader(org.apache.pekko.http.javadsl.model.headers.RawHeader.create("traceparent", traceparent));
          CompletionStage<HttpResponse> response = endpoint.send(post, materializer.system().log());
          // whoever claims the response owns its entity: the stream reads it, or, if the stream ended
          // before the response arrived, the cleanup below cancels it so the connection is closed
          AtomicBoolean claimed = new AtomicBoolean();
          return Source.completionStage(response)
              .mapError(Throwable.class, endpoint::unreachable)
              .flatMapConcat(r -> claimed.compareAndSet(false, true) ? dataOf(r, materializer) : Source.<String>empty())
              .watchTermination((notUsed, done) -> {
                done.whenComplete((ok, failure) -> response.thenAccept(r -> {
                  if (claimed.compareAndSet(false, true)) r.entity().getDataBytes().runWith(Sink.cancelled(), materializer);
                }));
                return notUsed;
              });
        })
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  private Source<String, NotUsed> dataOf(HttpResponse response, Materializer materializer) {
    if (!response.status().isSuccess()) {
      return Source.completionStage(endpoint.refusal(response, materializer)).flatMapConcat(Source::failed);
    }
    if (response.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      // the server ignored "stream": true (or is not a Chat Completions endpoint at all)
      return Source.completionStage(endpoint.errorBody(response, materializer)).flatMapConcat(said -> Source.failed(
          new LlmException("The model at " + settings.baseUrl() + " answered with JSON instead of an event stream: " + said)));
    }
    return response.entity().getDataBytes()
        .via(ServerSentEvents.data(MAX_LINE_BYTES))
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  /**
   * The first event must come within the first-token timeout (it includes connecting and the
   * model's thinking); after that, no gap between events may exceed the idle timeout.
   */
  private Source<String, NotUsed> withTimeouts(Source<String, NotUsed> data) {
    return data.initialTimeout(settings.firstTokenTimeout())
        .mapError(InitialTimeoutException.class, e -> new LlmException("The model at " + settings.baseUrl()
            + " sent nothing within " + OpenAiEndpoint.human(settings.firstTokenTimeout()) + " of the request"))
        .prefixAndTail(1)
        .flatMapConcat(firstAndRest -> Source.from(firstAndRest.first()).concat(firstAndRest.second()
            .idleTimeout(settings.idleTimeout())
            .mapError(StreamIdleTimeoutException.class, e -> new LlmException("The model at " + settings.baseUrl()
                + " stopped sending for more than " + OpenAiEndpoint.human(settings.idleTimeout()) + " in the middle of its answer"))));
  }

  private Throwable asLlmException(Throwable failure) {
    if (failure instanceof LlmException) return failure;
    return new LlmException(
        "The connection to the model at " + settings.baseUrl() + " failed during the answer: " + OpenAiEndpoint.rootMessage(failure), failure);
  }
}
