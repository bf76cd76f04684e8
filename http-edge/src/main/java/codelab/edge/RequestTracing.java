package codelab.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Every request's trace id: the one of its W3C {@code traceparent} header when it has a valid one,
 * else a new one. It is the {@code trace_id} of the request's error answer and of its log lines (the
 * access log's, and an unexpected failure's, which finds it in {@link #HEADER}); the answer carries it
 * as {@code X-Trace-Id}. The access log line says method, route (ids replaced by {@code {id}}),
 * status and duration; never a query, a header, a token or a body.
 */
public final class RequestTracing extends AllDirectives {

  /** Where the routes below find the request's trace id; a client's own value is replaced. */
  public static final String HEADER = "X-Codelab-Trace-Id";

  private static final Logger access = LoggerFactory.getLogger("codelab.access");
  private static final Pattern TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$");
  private static final Pattern ID_SEGMENT = Pattern.compile("/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(-plan-\\d+)?(?=/|$)");
  private static final SecureRandom RANDOM = new SecureRandom();

  public Route wrap(Route inner) {
    return extractRequest(request -> {
      String traceId = traceIdOf(request.getHeader("traceparent").map(h -> h.value()).orElse(null)).orElseGet(RequestTracing::newTraceId);
      long started = System.nanoTime();
      return mapRequest(
          r -> r.removeHeader(HEADER).addHeader(RawHeader.create(HEADER, traceId)),
          () -> mapResponse(response -> {
            HttpResponse traced = traced(response, traceId);
            logAccess(request, traced, traceId, started);
            return traced;
          }, () -> inner));
    });
  }

  /** The trace id of a valid {@code traceparent} (version-traceid-parentid-flags, an all-zero id is invalid). */
  static Optional<String> traceIdOf(String traceparent) {
    if (traceparent == null) return Optional.empty();
    var m = TRACEPARENT.matcher(traceparent.strip());
    if (!m.matches() || m.group(1).chars().allMatch(c -> c == '0') || traceparent.startsWith("ff")) return Optional.empty();
    return Optional.of(m.group(1));
  }

  static String newTraceId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /** The route a request took, with its ids as {@code {id}}: a bounded name for the log. */
  static String routeOf(String path) {
    return ID_SEGMENT.matcher(path).replaceAll("/{id}");
  }

  /** An error's body names the request's trace id, whichever route made it. */
  private static HttpResponse traced(HttpResponse response, String traceId) {
    HttpResponse withHeader = response.addHeader(RawHeader.create("X-Trace-Id", traceId));
    if (response.status().intValue() < 400 || !(response.entity() instanceof HttpEntity.Strict strict)
        || !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
      return withHeader;
    }
    try {
      JsonNode body = WireJson.MAPPER.readTree(strict.getData().decodeString(StandardCharsets.UTF_8));
      if (!(body instanceof ObjectNode error) || !error.has("trace_id")) return withHeader;
      error.put("trace_id", traceId);
      return withHeader.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, WireJson.MAPPER.writeValueAsBytes(error)));
    } catch (Exception e) {
      return withHeader;
    }
  }

  private static void logAccess(HttpRequest request, HttpResponse response, String traceId, long started) {
    MDC.put("trace_id", traceId);
    try {
      access.info("{} {} {} {}ms", request.method().value(), routeOf(request.getUri().path()), response.status().intValue(),
          (System.nanoTime() - started) / 1_000_000);
    } finally {
      MDC.remove("trace_id");
    }
  }
}
