package codelab.edge;

import java.util.Locale;
import java.util.stream.StreamSupport;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Refuses a request whose path has a {@code .} or {@code ..} segment, raw or percent-encoded:
 * pekko-http removes them before routing, so {@code /health/../api/v1/me} would be answered as
 * {@code /api/v1/me}, past any rule a proxy in front applies to the path it saw. Only the target as
 * the client sent it (the {@code Raw-Request-URI} header, see {@link EdgeServerSettings}) still has
 * them; a client's own header of that name can only get its request refused.
 */
public final class DotSegments extends AllDirectives {

  private static final String RAW_TARGET = "raw-request-uri";

  public Route refuse(Route inner) {
    return extractRequest(
        request ->
            StreamSupport.stream(request.getHeaders().spliterator(), false)
                    .filter(header -> header.is(RAW_TARGET))
                    .map(HttpHeader::value)
                    .anyMatch(DotSegments::hasDotSegment)
                ? complete(ApiError.badRequest("the path must not have '.' or '..' segments"))
                : inner);
  }

  static boolean hasDotSegment(String target) {
    for (String segment : pathOf(target).split("/", -1)) {
      String decoded = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
      if (decoded.equals(".") || decoded.equals("..")) return true;
    }
    return false;
  }

  /** The path of an origin-form ({@code /a/b?q}) or absolute-form ({@code http://host/a/b}) target. */
  private static String pathOf(String target) {
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    int scheme = path.indexOf("://");
    if (scheme < 0) return path;
    int slash = path.indexOf('/', scheme + 3);
    return slash < 0 ? "" : path.substring(slash);
  }
}
