package codelab.edge;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ParserSettings;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request refused before any route sees it (an illegal target, a target or headers
 * over the limits, an unknown method, a body over the limit): the contract's JSON error naming the
 * limit a client can act on. pekko-http's own answer is text naming its settings. pekko-http makes
 * this class by name, hence the public no-argument constructor.
 */
public final class ParserRefusals extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    ApiError error = ApiError.of(ApiError.codeFor(status), message(status, settings.parserSettings()));
    log.warning("trace_id={} refused an unparsable request with {}: {}", error.traceId(), status.intValue(), info.summary());
    return ResponseHeaders.ofRefusal(error.toResponse(status));
  }

  private static String message(StatusCode status, ParserSettings limits) {
    return switch (status.intValue()) {
      case 400 -> "the request is not valid HTTP (for example an illegal character in its target)";
      case 413 -> ApiError.bodyTooLargeMessage(limits.maxContentLength());
      case 414 -> "the request target is longer than " + limits.maxUriLength() + " characters";
      case 431 ->
          "the request headers are too large: at most " + limits.maxHeaderCount() + " headers, each value at most "
              + limits.maxHeaderValueLength() + " characters";
      case 501 -> "the request method is not supported";
      case 505 -> "the HTTP version is not supported; use HTTP/1.1";
      default -> status.reason();
    };
  }
}
