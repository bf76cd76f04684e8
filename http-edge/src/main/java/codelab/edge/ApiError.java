package codelab.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A REST error in the contract's format: {@code {"code", "message", "trace_id", "details"?}}. The
 * trace id is also logged with the cause, so an operator can find what a client reports.
 */
public record ApiError(String code, String message, String traceId, Map<String, Object> details) {

  public static ApiError of(String code, String message) {
    return new ApiError(code, message, UUID.randomUUID().toString(), null);
  }

  public ApiError withTraceId(String id) {
    return new ApiError(code, message, id, details);
  }

  public static HttpResponse response(StatusCode status, String code, String message) {
    return of(code, message).toResponse(status);
  }

  /** An error whose code is the one the contract uses for its status. */
  public static HttpResponse response(StatusCode status, String message) {
    return response(status, codeFor(status), message);
  }

  /** A body over the limit, in words a client can act on, wherever the limit was met. */
  public static HttpResponse bodyTooLarge(long limitBytes) {
    return response(StatusCodes.CONTENT_TOO_LARGE, bodyTooLargeMessage(limitBytes));
  }

  static String bodyTooLargeMessage(long limitBytes) {
    return "the request body is larger than " + limitBytes + " bytes";
  }

  public static HttpResponse badRequest(String message) {
    return response(StatusCodes.BAD_REQUEST, "validation_error", message);
  }

  public static HttpResponse notFound(String what) {
    return response(StatusCodes.NOT_FOUND, "not_found", what + " not found");
  }

  static String codeFor(StatusCode status) {
    return switch (status.intValue()) {
      case 400 -> "validation_error";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406, 415 -> "unsupported_media_type";
      case 413, 414, 431 -> "too_large";
      case 429 -> "rate_limited";
      case 501, 505 -> "not_implemented";
      default -> status.intValue() >= 500 ? "internal_error" : "bad_request";
    };
  }

  public HttpResponse toResponse(StatusCode status) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, WireJson.MAPPER.writeValueAsBytes(this)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
