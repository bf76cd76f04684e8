package codelab.edge;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * CORS for browsers on the allowed origins (CODELAB_ALLOWED_ORIGINS, the WebSocket's allow-list): a
 * preflight from an allowed origin is answered here, before any route (it carries no token); a
 * preflight from any other origin gets 403 and no CORS headers, so the browser keeps the request
 * from being sent. Answers to an allowed origin name it in {@code Access-Control-Allow-Origin}.
 * Tokens travel in the Authorization header, never in cookies, so credentials are not allowed.
 */
public final class Cors extends AllDirectives {

  static final String ALLOWED_METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
  static final String ALLOWED_HEADERS = "Authorization, Content-Type";
  /** How long a browser may reuse a preflight's answer, in seconds. */
  static final String MAX_AGE = "600";

  private final OriginPolicy origins;

  public Cors(OriginPolicy origins) {
    this.origins = origins;
  }

  public Route wrap(Route inner) {
    return optionalHeaderValueByName(
        "Origin",
        origin -> {
          if (origin.isEmpty()) return inner;
          boolean allowed = origins.allows(origin.get());
          return concat(
              method(HttpMethods.OPTIONS, () -> headerValueByName("Access-Control-Request-Method", requested -> complete(preflight(origin.get(), allowed)))),
              allowed ? respondWithHeaders(allowOrigin(origin.get()), () -> inner) : inner);
        });
  }

  private static HttpResponse preflight(String origin, boolean allowed) {
    if (!allowed) return ApiError.response(StatusCodes.FORBIDDEN, "forbidden", "origin " + origin + " is not allowed");
    return HttpResponse.create()
        .withStatus(StatusCodes.NO_CONTENT)
        .addHeaders(allowOrigin(origin))
        .addHeader(RawHeader.create("Access-Control-Allow-Methods", ALLOWED_METHODS))
        .addHeader(RawHeader.create("Access-Control-Allow-Headers", ALLOWED_HEADERS))
        .addHeader(RawHeader.create("Access-Control-Max-Age", MAX_AGE));
  }

  private static List<HttpHeader> allowOrigin(String origin) {
    return List.of(RawHeader.create("Access-Control-Allow-Origin", origin), RawHeader.create("Vary", "Origin"));
  }
}
