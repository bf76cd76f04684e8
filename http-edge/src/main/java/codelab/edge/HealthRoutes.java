package codelab.edge;

import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /health} and {@code /api/v1/health}: the CodeLab IDE's connection test. No auth. */
public final class HealthRoutes extends AllDirectives {

  private final String version;

  public HealthRoutes(String version) {
    this.version = version;
  }

  public Route routes() {
    Route health =
        get(() -> JsonResponses.complete(StatusCodes.OK, Map.of("status", "healthy", "service", "codelab-platform", "version", version)));
    return concat(path("health", () -> health), pathPrefix("api", () -> pathPrefix("v1", () -> path("health", () -> health))));
  }
}
