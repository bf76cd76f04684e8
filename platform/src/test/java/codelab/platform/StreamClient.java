package codelab.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client of {@code GET /api/v1/sessions/{id}/stream} with the JDK's HttpClient, reading the body as
 * it arrives, line by line on a thread of its own: server-sent events (or NDJSON lines) in order.
 * Closing it closes the connection, as interrupting {@code curl} does.
 */
final class StreamClient implements AutoCloseable {

  /** One message: its SSE {@code event} and {@code id} (null when absent, and always for NDJSON) and its JSON. */
  record Event(String type, String id, JsonNode data) {}

  static final String EVENT_STREAM = "text/event-stream";
  static final String NDJSON = "application/x-ndjson";

  final HttpResponse<InputStream> response;
  final BlockingQueue<Event> received = new LinkedBlockingQueue<>();
  /** The comment lines (keep-alives) seen so far. */
  final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();

  private StreamClient(HttpResponse<InputStream> response) {
    this.response = response;
  }

  static StreamClient open(int port, String sessionId, String token, String query, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions/" + sessionId + "/stream" + (query == null ? "" : "?" + query)))
            .header("Authorization", "Bearer " + token)
            .GET();
    headers.forEach(request::header);
    try {
      HttpResponse<InputStream> response =
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()
              .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      StreamClient client = new StreamClient(response);
      if (response.statusCode() == 200) {
        boolean ndjson = response.headers().firstValue("Content-Type").orElse("").startsWith(NDJSON);
        Thread reader = new Thread(() -> client.read(ndjson), "stream-reader");
        reader.setDaemon(true);
        reader.start();
      }
      return client;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The body of a refused stream (a REST error). */
  JsonNode errorBody() {
    try (InputStream body = response.body()) {
      return ApiClient.JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void read(boolean ndjson) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String type = null;
      String id = null;
      String data = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (ndjson) {
          if (!line.isEmpty()) received.add(new Event(null, null, ApiClient.JSON.readTree(line)));
        } else if (line.isEmpty()) {
          if (data != null) received.add(new Event(type, id, ApiClient.JSON.readTree(data)));
          type = id = data = null;
        } else if (line.startsWith(":")) {
          comments.add(line);
        } else if (line.startsWith("event: ")) {
          type = line.substring("event: ".length());
        } else if (line.startsWith("id: ")) {
          id = line.substring("id: ".length());
        } else if (line.startsWith("data: ")) {
          data = line.substring("data: ".length());
        } else {
          throw new AssertionError("not a line of an event stream: " + line);
        }
      }
    } catch (IOException closed) {
      // closed by this client
    }
  }

  Event next() {
    try {
      Event event = received.poll(15, TimeUnit.SECONDS);
      if (event == null) throw new AssertionError("no message on the stream within 15 s");
      return event;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  Event next(String type) {
    Event event = next();
    if (!type.equals(event.data().path("type").asText())) throw new AssertionError("expected " + type + " but got " + event);
    return event;
  }

  /** Every message up to and including the first of {@code type}. */
  List<Event> untilType(String type) {
    List<Event> events = new ArrayList<>();
    while (true) {
      Event event = next();
      events.add(event);
      if (type.equals(event.data().path("type").asText())) return events;
    }
  }

  static List<JsonNode> data(List<Event> events) {
    return events.stream().map(Event::data).toList();
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
