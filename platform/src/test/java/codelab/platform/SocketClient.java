package codelab.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (the JDK's) that keeps every JSON message the server sends, in order. */
final class SocketClient implements WebSocket.Listener, AutoCloseable {

  final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  volatile boolean closed;
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  static SocketClient connect(int port, String sessionId, String token, String query) {
    SocketClient client = new SocketClient();
    String uri = "ws://127.0.0.1:" + port + "/api/v1/ws/" + sessionId + (query == null ? "" : "?" + query);
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    // no token at all: as the CodeLab IDE opens its socket
    if (token != null) builder.header("Authorization", "Bearer " + token);
    client.socket =
        builder
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create(uri), client)
            .orTimeout(10, TimeUnit.SECONDS)
            .join();
    return client;
  }

  /** The HTTP status of a refused upgrade (401, 403, 404 …), or 101 when the socket opened. */
  static int handshakeStatus(int port, String sessionId, String token) {
    try {
      connect(port, sessionId, token, null).close();
      return 101;
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) return refused.getResponse().statusCode();
      throw e;
    }
  }

  void send(Map<String, Object> message) {
    try {
      sendText(ApiClient.JSON.writeValueAsString(message));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  void sendText(String text) {
    socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** The next message, or an AssertionError after the timeout. */
  JsonNode next() {
    try {
      JsonNode message = received.poll(15, TimeUnit.SECONDS);
      if (message == null) throw new AssertionError("no message from the server within 15 s");
      return message;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  JsonNode next(String type) {
    JsonNode message = next();
    if (!type.equals(message.path("type").asText())) throw new AssertionError("expected " + type + " but got " + message);
    return message;
  }

  /** Every message up to and including the first that matches. */
  List<JsonNode> until(Predicate<JsonNode> last) {
    List<JsonNode> messages = new ArrayList<>();
    while (true) {
      JsonNode message = next();
      messages.add(message);
      if (last.test(message)) return messages;
    }
  }

  List<JsonNode> untilType(String type) {
    return until(m -> type.equals(m.path("type").asText()));
  }

  void expectNothing(Duration during) {
    try {
      JsonNode message = received.poll(during.toMillis(), TimeUnit.MILLISECONDS);
      if (message != null) throw new AssertionError("expected no message, got " + message);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        received.add(ApiClient.JSON.readTree(partial.toString()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("the server sent something that is not JSON: " + partial, e);
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed = true;
    return null;
  }

  @Override
  public void close() {
    if (socket != null && !socket.isOutputClosed()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }
}
