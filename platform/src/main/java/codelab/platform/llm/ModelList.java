package codelab.platform.llm;

import codelab.llm.ModelCatalog;
import java.util.List;

/** The models a node is configured with, as {@link ModelConfiguration} read and checked them. */
record ModelList(List<ModelSettings> models, String defaultModel) {

  ModelList {
    models = List.copyOf(models);
  }

  /** What the domain may know of them: no addresses, no keys. */
  ModelCatalog catalog() {
    return new ModelCatalog(models.stream().map(ModelSettings::info).toList(), defaultModel);
  }
}
