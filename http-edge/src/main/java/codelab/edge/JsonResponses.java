package codelab.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** Reading and writing the contract's JSON bodies. */
public final class JsonResponses {

  private JsonResponses() {}

  public static HttpResponse response(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, WireJson.MAPPER.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response body", e);
    }
  }

  public static Route complete(StatusCode status, Object body) {
    return Directives.complete(response(status, body));
  }

  /**
   * Reads an optional JSON object body: an empty body is {@code Optional.empty()}; a body that is not
   * {@code application/json} is a 415, and one that is not exactly one JSON object (see
   * {@link WireJson#CLIENT_READER}) a 400, in the contract's format.
   */
  public static Route withOptionalJsonObject(Function<Optional<JsonNode>, Route> inner) {
    return Directives.extractRequestEntity(
        entity ->
            Directives.entity(
                Unmarshaller.entityToString(),
                text -> {
                  if (text.isBlank()) return inner.apply(Optional.empty());
                  if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
                    return Directives.complete(
                        ApiError.response(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json"));
                  }
                  try {
                    JsonNode node = WireJson.CLIENT_READER.readTree(text);
                    if (node == null || !node.isObject()) return Directives.complete(ApiError.badRequest("the body must be a JSON object"));
                    return inner.apply(Optional.of(node));
                  } catch (JsonProcessingException e) {
                    return Directives.complete(ApiError.badRequest("the body is not valid JSON: one object, each key once, nothing after it"));
                  }
                }));
  }

  /** A string field of a body, stripped; null when it is missing, not a string, or blank. */
  public static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText().strip();
  }

  public static Route withJsonObject(Function<JsonNode, Route> inner) {
    return withOptionalJsonObject(
        body -> body.map(inner).orElseGet(() -> Directives.complete(ApiError.badRequest("a JSON body is required"))));
  }
}
