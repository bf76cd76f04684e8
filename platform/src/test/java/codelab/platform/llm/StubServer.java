package codelab.platform.llm;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** A throw-away HTTP server on 127.0.0.1 that answers every request as the test says, and counts connections. */
final class StubServer implements AutoCloseable {

  private final ServerBinding binding;
  private final Set<Integer> clientPorts;

  private StubServer(ServerBinding binding, Set<Integer> clientPorts) {
    this.binding = binding;
    this.clientPorts = clientPorts;
  }

  /** The handler gets the request and its body as text. */
  static StubServer start(ActorSystem<?> system, BiFunction<HttpRequest, String, CompletionStage<HttpResponse>> handler)
      throws Exception {
    Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    Function<HttpRequest, CompletionStage<HttpResponse>> handle = request -> {
      request.getAttribute(AttributeKeys.remoteAddress).ifPresent(address -> clientPorts.add(address.getPort()));
      return request.entity()
          .toStrict(2_000, system)
          .thenCompose(body -> handler.apply(request, body.getData().utf8String()));
    };
    ServerBinding binding = Http.get(system)
        .newServerAt("127.0.0.1", 0)
        .adaptSettings(settings -> settings.withRemoteAddressAttribute(true))
        .bind(handle)
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    return new StubServer(binding, clientPorts);
  }

  /** How many TCP connections the requests so far came over (one client port each). */
  int connections() {
    return clientPorts.size();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + binding.localAddress().getPort() + "/v1";
  }

  /** A 200 event stream whose body is these pieces, each sent as its own chunk. */
  static ResponseEntity events(Source<String, ?> pieces) {
    return HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), pieces.map(ByteString::fromString));
  }

  static ResponseEntity events(List<String> pieces) {
    return events(Source.from(pieces));
  }

  @Override
  public void close() throws Exception {
    binding.terminate(Duration.ofMillis(200)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
