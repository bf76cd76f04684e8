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

  public static HttpResponse response(StatusCode status, String code, String message) {
    return of(code, message).toResponse(status);
  }

  public static HttpResponse badRequest(String message) {
    return response(StatusCodes.BAD_REQUEST, "validation_error", message);
  }

  public static HttpResponse notFound(String what) {
    return response(StatusCodes.NOT_FOUND, "not_found", what + " not found");
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
