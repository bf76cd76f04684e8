package codelab.platform.llm;

import codelab.llm.ModelInfo;

/**
 * One configured model: what agents call it, and where and as what the node asks for it.
 *
 * @param name what agents name (unique on the node)
 * @param provider the kind of server at {@code baseUrl}
 * @param baseUrl the API root including {@code /v1}, without a trailing slash
 * @param apiKey null or blank for servers without auth
 * @param providerModel the model id sent to the provider (several names may map to one id)
 * @param contextWindow tokens of prompt and answer together
 */
record ModelSettings(String name, Provider provider, String baseUrl, String apiKey, String providerModel, int contextWindow) {

  ModelInfo info() {
    return new ModelInfo(name, provider.id(), contextWindow);
  }

  /** Models that share an endpoint share its adapter: the same server, reached with the same key. */
  Endpoint endpoint() {
    return new Endpoint(provider, baseUrl, apiKey == null ? "" : apiKey);
  }

  record Endpoint(Provider provider, String baseUrl, String apiKey) {}

  /** Never the key: these settings end up in logs. */
  @Override
  public String toString() {
    return name + " (" + provider.id() + " '" + providerModel + "' at " + baseUrl + ", " + contextWindow + " tokens)";
  }
}
