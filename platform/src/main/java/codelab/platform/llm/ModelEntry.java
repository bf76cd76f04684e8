package codelab.platform.llm;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Reads one configured model, whichever form it was given in (an entry of {@code codelab.llm.models},
 * of the JSON in {@code CODELAB_LLM_MODELS}, or the single model of the {@code CODELAB_LLM_*}
 * variables), so that every form is checked by the same rules. A problem stops the node with a
 * message in the form's own words.
 */
final class ModelEntry {

  static final List<String> KEYS =
      List.of("name", "provider", "base-url", "api-key", "api-key-env", "provider-model", "context-window");
  // the model gateway adds these to a model; until then a configuration that counts on them must not start
  private static final List<String> NOT_YET = List.of("fallbacks", "retries");

  private final Config entry;
  private final Source source;
  private String name;

  private ModelEntry(Config entry, Source source) {
    this.entry = entry;
    this.source = source;
  }

  /**
   * @param entry the model's keys, spelled {@code kebab-case} or {@code snake_case}
   * @param env looks up the variable that {@code api-key-env} names
   */
  static ModelSettings read(Config entry, Source source, Function<String, String> env) {
    return new ModelEntry(normalised(entry, source), source).settings(env);
  }

  private ModelSettings settings(Function<String, String> env) {
    name = required("name");
    String providerId = entry.hasPath("provider") ? text("provider") : Provider.OPENAI.id();
    Provider provider = Provider.find(providerId).orElseThrow(() -> problem("provider",
        "is '" + providerId + "', which is not a known provider (known: " + Provider.known() + ")"));
    if (!provider.supported()) {
      throw problem("provider", "is '" + providerId + "', which this release does not support yet (it comes with the"
          + " model gateway); use '" + Provider.OPENAI.id() + "' for any OpenAI-compatible server");
    }
    String providerModel = entry.hasPath("provider-model") ? required("provider-model") : name;
    return new ModelSettings(name, provider, baseUrl(), apiKey(env), providerModel, contextWindow());
  }

  private String baseUrl() {
    String url = required("base-url");
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getRawAuthority() == null) {
        throw problem("base-url", "is '" + url + "', which is not an http(s) URL");
      }
    } catch (URISyntaxException e) {
      throw problem("base-url", "is '" + url + "', which is not a URL: " + e.getReason());
    }
    // "{baseUrl}/chat/completions" must not become "//chat/completions", nor one endpoint two
    return url.replaceAll("/+$", "");
  }

  private String apiKey(Function<String, String> env) {
    if (!entry.hasPath("api-key-env")) return entry.hasPath("api-key") ? text("api-key") : null;
    if (entry.hasPath("api-key")) throw problem("api-key-env", "and " + source.keyName().apply("api-key") + " are both given; give one");
    String variable = required("api-key-env");
    String key = env.apply(variable);
    if (key == null || key.isBlank()) throw problem("api-key-env", "names " + variable + ", which is not set");
    return key;
  }

  private int contextWindow() {
    if (!entry.hasPath("context-window")) throw problem("context-window", "is missing (the model's tokens, prompt and answer together)");
    int tokens;
    try {
      tokens = entry.getInt("context-window");
    } catch (ConfigException.WrongType e) {
      throw problem("context-window", "must be a whole number of tokens");
    }
    if (tokens < 1) throw problem("context-window", "must be a positive number of tokens, not " + tokens);
    return tokens;
  }

  private String required(String key) {
    if (!entry.hasPath(key)) throw problem(key, "is missing");
    String value = text(key);
    if (value.isBlank()) throw problem(key, "is blank");
    return value;
  }

  private String text(String key) {
    try {
      return entry.getString(key).trim();
    } catch (ConfigException.WrongType e) {
      throw problem(key, "must be text");
    }
  }

  private IllegalArgumentException problem(String key, String what) {
    return new IllegalArgumentException(source.about(name) + source.keyName().apply(key) + " " + what);
  }

  /** The entry with its keys spelled as {@link #KEYS} spell them; unknown and doubled keys are refused. */
  private static Config normalised(Config entry, Source source) {
    Config keys = ConfigFactory.empty();
    for (Map.Entry<String, ConfigValue> field : entry.root().entrySet()) {
      String key = field.getKey().replace('_', '-');
      String prefix = source.about(null);
      if (NOT_YET.contains(key)) {
        throw new IllegalArgumentException(prefix + field.getKey() + " is not supported yet (it comes with the model gateway)");
      }
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(prefix + "unknown key '" + field.getKey() + "' (known: "
            + String.join(", ", KEYS.stream().map(source.keyName()).toList()) + ")");
      }
      if (keys.hasPathOrNull(key)) throw new IllegalArgumentException(prefix + source.keyName().apply(key) + " is given twice");
      keys = keys.withValue(key, field.getValue());
    }
    return keys;
  }

  /**
   * Where a model's settings came from, for messages that send the operator to the right place.
   *
   * @param where the entry ({@code codelab.llm.models[1]}), or empty when each key names its own variable
   * @param keyName how that source spells a key
   */
  record Source(String where, UnaryOperator<String> keyName) {

    static Source hocon(int index) {
      return new Source("codelab.llm.models[" + index + "]", key -> key);
    }

    static Source json(int index) {
      return new Source(ModelConfiguration.MODELS_VARIABLE + "[" + index + "]", key -> key.replace('-', '_'));
    }

    String about(String name) {
      if (where.isEmpty()) return "";
      return name == null ? where + ": " : where + " ('" + name + "'): ";
    }
  }
}
