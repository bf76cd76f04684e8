package codelab.edge;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /health} and {@code /api/v1/health}: the CodeLab IDE's connection test. No auth. */
public final class HealthRoutes extends AllDirectives {

  record Health(String status, String service, String version) {}

  private final String version;

  public HealthRoutes(String version) {
    this.version = version;
  }

  public Route routes() {
    Route health =
        get(() -> JsonResponses.complete(StatusCodes.OK, new Health("healthy", "codelab-platform", version)));
    return concat(path("health", () -> health), pathPrefix("api", () -> pathPrefix("v1", () -> path("health", () -> health))));
  }
}
