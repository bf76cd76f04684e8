package codelab.platform.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Reads the models a node offers from {@code codelab} config, in the first of these forms that is
 * given: the JSON array in {@code CODELAB_LLM_MODELS} (for operators who configure through the
 * environment only), the HOCON list {@code codelab.llm.models}, the single model of
 * {@code CODELAB_LLM_BASE_URL} and its companions (the configuration of earlier releases), or else
 * the scripted model. Any mistake stops the node at start with one message that names it.
 */
final class ModelConfiguration {

  static final String MODELS_VARIABLE = "CODELAB_LLM_MODELS";
  private static final String SCRIPTED = "scripted";

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ModelEntry.Source SINGLE = new ModelEntry.Source("", Map.of(
      "name", "CODELAB_LLM_MODEL",
      "provider", "CODELAB_LLM_PROVIDER",
      "base-url", "CODELAB_LLM_BASE_URL",
      "api-key", "CODELAB_LLM_API_KEY",
      "context-window", "CODELAB_LLM_CONTEXT_WINDOW")::get);
  private static final ModelEntry.Source SCRIPTED_SOURCE = new ModelEntry.Source("", Map.of(
      "provider", "CODELAB_LLM_PROVIDER",
      "context-window", "CODELAB_SCRIPTED_CONTEXT_WINDOW")::get);

  private ModelConfiguration() {}

  /**
   * @param codelab the {@code codelab} section (its {@code llm} and {@code scripted-model})
   * @param env the environment, for the variables that {@code api-key-env} names
   * @param scriptedModel starts the scripted model and answers its base URL; called only when no model is configured
   */
  static ModelList read(Config codelab, Function<String, String> env, Supplier<String> scriptedModel) {
    Config llm = codelab.getConfig("llm");
    String json = llm.getString("models-json").trim();
    ConfigList hocon = llm.getList("models");
    boolean listed = !json.isEmpty() || !hocon.isEmpty();
    if (listed && !llm.getString("base-url").isBlank()) {
      throw new IllegalArgumentException((json.isEmpty() ? "codelab.llm.models" : MODELS_VARIABLE)
          + " lists the models, and CODELAB_LLM_BASE_URL is set as well; give the models in one place");
    }
    List<ModelSettings> models;
    if (!json.isEmpty()) models = entries(parse(json), ModelEntry.Source::json, env);
    else if (!hocon.isEmpty()) models = entries(hocon, ModelEntry.Source::hocon, env);
    else if (!llm.getString("base-url").isBlank()) models = List.of(ModelEntry.read(single(llm), SINGLE, env));
    else models = List.of(ModelEntry.read(scripted(codelab, scriptedModel.get()), SCRIPTED_SOURCE, env));
    return new ModelList(models, defaultModel(llm, models));
  }

  private static List<ModelSettings> entries(List<ConfigValue> values, IntFunction<ModelEntry.Source> sources,
      Function<String, String> env) {
    List<ModelSettings> models = new ArrayList<>();
    Map<String, Integer> indexOfName = new HashMap<>();
    for (int i = 0; i < values.size(); i++) {
      ModelEntry.Source source = sources.apply(i);
      if (values.get(i).valueType() != ConfigValueType.OBJECT) {
        throw new IllegalArgumentException(source.about(null) + "is not an object of a model's settings");
      }
      ModelSettings model = ModelEntry.read(((ConfigObject) values.get(i)).toConfig(), source, env);
      Integer taken = indexOfName.putIfAbsent(model.name(), i);
      if (taken != null) {
        throw new IllegalArgumentException(
            source.about(null) + "the name '" + model.name() + "' is taken by " + sources.apply(taken).where());
      }
      models.add(model);
    }
    return models;
  }

  private static List<ConfigValue> parse(String json) {
    Object parsed;
    try {
      parsed = JSON.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new IllegalArgumentException(MODELS_VARIABLE + " is not valid JSON" + at + ": " + e.getOriginalMessage());
    }
    if (!(parsed instanceof List<?> list)) throw new IllegalArgumentException(MODELS_VARIABLE + " must be a JSON array of models");
    if (list.isEmpty()) throw new IllegalArgumentException(MODELS_VARIABLE + " lists no models");
    return ConfigValueFactory.fromIterable(list, MODELS_VARIABLE);
  }

  /** The model of the CODELAB_LLM_* variables: its name is the provider's model id. */
  private static Config single(Config llm) {
    return ConfigFactory.empty()
        .withValue("name", llm.getValue("model"))
        .withValue("provider", llm.getValue("provider"))
        .withValue("base-url", llm.getValue("base-url"))
        .withValue("api-key", llm.getValue("api-key"))
        .withValue("context-window", llm.getValue("context-window"));
  }

  /** The scripted model; a provider named all the same is checked, lest a model meant for it go unnoticed. */
  private static Config scripted(Config codelab, String baseUrl) {
    return ConfigFactory.empty()
        .withValue("name", ConfigValueFactory.fromAnyRef(SCRIPTED))
        .withValue("provider", codelab.getValue("llm.provider"))
        .withValue("base-url", ConfigValueFactory.fromAnyRef(baseUrl))
        .withValue("context-window", codelab.getValue("scripted-model.context-window"));
  }

  /** The configured default, or the first model: one model needs no default named. */
  private static String defaultModel(Config llm, List<ModelSettings> models) {
    String named = llm.getString("default-model").trim();
    if (named.isEmpty()) return models.get(0).name();
    List<String> names = models.stream().map(ModelSettings::name).toList();
    if (!names.contains(named)) {
      throw new IllegalArgumentException("CODELAB_LLM_DEFAULT_MODEL (codelab.llm.default-model) is '" + named
          + "', which is not among the configured models " + names);
    }
    return named;
  }
}
