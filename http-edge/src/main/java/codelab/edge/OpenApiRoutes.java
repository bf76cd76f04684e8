package codelab.edge;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/openapi.json}, no auth: the OpenAPI 3.1 description of every REST route
 * (a resource of this module, kept true by the platform's OpenApiTest, which fails on a route the
 * description lacks or names without its being served).
 */
public final class OpenApiRoutes extends AllDirectives {

  private final byte[] description;

  public OpenApiRoutes() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream("/openapi.json")) {
      if (in == null) throw new IllegalStateException("openapi.json is missing from the edge's resources");
      this.description = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Route routes() {
    return path(segment("api").slash("v1").slash("openapi.json"), () -> get(() ->
        complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, description)))));
  }
}
