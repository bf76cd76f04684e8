package codelab.edge;

import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The headers of every answer: {@code X-Content-Type-Options: nosniff} (a browser must not read JSON
 * as anything else), and {@code Cache-Control: no-store} on the API's answers and on every error
 * (they are one user's, or say nothing lasting), unless the answer chose its own. Health and the
 * signing keys stay cacheable. A WebSocket's upgrade is left as it is.
 */
public final class ResponseHeaders extends AllDirectives {

  private static final RawHeader NO_SNIFF = RawHeader.create("X-Content-Type-Options", "nosniff");
  private static final RawHeader NO_STORE = RawHeader.create("Cache-Control", "no-store");

  public Route wrap(Route inner) {
    return extractUri(uri -> mapResponse(response -> withHeaders(uri.path(), response), () -> inner));
  }

  static HttpResponse withHeaders(String path, HttpResponse response) {
    if (response.status().equals(StatusCodes.SWITCHING_PROTOCOLS)) return response;
    HttpResponse sniffless = response.getHeader("X-Content-Type-Options").isPresent() ? response : response.addHeader(NO_SNIFF);
    boolean notToStore = path.startsWith("/api/") || path.startsWith("/oauth/") || response.status().intValue() >= 400;
    return notToStore && sniffless.getHeader("Cache-Control").isEmpty() ? sniffless.addHeader(NO_STORE) : sniffless;
  }

  /** For the answers made below the routes (see {@link ParserRefusals}), which are all errors. */
  static HttpResponse ofRefusal(HttpResponse refusal) {
    return refusal.addHeader(NO_SNIFF).addHeader(NO_STORE);
  }
}
