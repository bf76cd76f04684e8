package codelab.llm;

import java.util.List;
import java.util.Optional;

/**
 * The models a node is configured with, one of them the default (for agents that name none, and
 * for configurations that name a model no longer configured). Connection details (base URL, key)
 * stay in the platform's adapters; the domain needs names and context windows only.
 */
public record ModelCatalog(List<ModelInfo> models, String defaultModel) {

  public ModelCatalog {
    models = List.copyOf(models);
    if (models.stream().noneMatch(m -> m.name().equals(defaultModel))) {
      throw new IllegalArgumentException("the default model '" + defaultModel + "' is not among the configured models "
          + models.stream().map(ModelInfo::name).toList());
    }
  }

  /** One model: the default. */
  public static ModelCatalog of(ModelInfo model) {
    return new ModelCatalog(List.of(model), model.name());
  }

  public Optional<ModelInfo> find(String name) {
    return models.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  public ModelInfo defaultModelInfo() {
    return find(defaultModel).orElseThrow();
  }

  /** The named model, or the default when the name is null or no longer configured. */
  public ModelInfo resolve(String name) {
    return name == null ? defaultModelInfo() : find(name).orElse(defaultModelInfo());
  }

  public List<String> names() {
    return models.stream().map(ModelInfo::name).toList();
  }
}
