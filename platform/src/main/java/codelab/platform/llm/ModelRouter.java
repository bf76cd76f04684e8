package codelab.platform.llm;

import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmRequest;
import codelab.llm.ModelCatalog;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The node's {@link LlmClient}: sends each request to the adapter of the model it names, asking for
 * that model's provider id. A request that names no model, or one no longer configured, goes to the
 * default, by the catalog's rule (the domain checks names before they reach here).
 */
final class ModelRouter implements LlmClient {

  private final ModelCatalog catalog;
  private final Map<String, Route> routes;

  private ModelRouter(ModelCatalog catalog, Map<String, Route> routes) {
    this.catalog = catalog;
    this.routes = Map.copyOf(routes);
  }

  /**
   * One adapter per endpoint: models on the same server with the same key share it. (pekko-http pools
   * connections per host and pool settings anyway; sharing the adapter keeps that plain.)
   */
  static ModelRouter over(ModelList models, Function<ModelSettings, ModelProvider> adapterFor) {
    Map<ModelSettings.Endpoint, ModelProvider> adapters = new HashMap<>();
    Map<String, Route> routes = new HashMap<>();
    for (ModelSettings model : models.models()) {
      ModelProvider adapter = adapters.computeIfAbsent(model.endpoint(), endpoint -> adapterFor.apply(model));
      routes.put(model.name(), new Route(adapter, model.providerModel()));
    }
    return new ModelRouter(models.catalog(), routes);
  }

  @Override
  public Source<LlmEvent, NotUsed> stream(LlmRequest request) {
    Route route = routes.get(catalog.resolve(request.model()).name());
    return route.adapter().stream(request, route.providerModel());
  }

  // the model gateway's fallbacks become a list of these
  private record Route(ModelProvider adapter, String providerModel) {}
}
