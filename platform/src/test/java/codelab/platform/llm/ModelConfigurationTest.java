package codelab.platform.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import codelab.llm.ModelCatalog;
import codelab.llm.ModelInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How codelab.llm becomes the node's models, in each of its forms, and the one message a wrong configuration stops the node with. */
class ModelConfigurationTest {

  private static final String SCRIPTED_URL = "http://127.0.0.1:9/v1";
  private static final Map<String, String> ENV = Map.of("OPENAI_KEY", "sk-from-env", "EMPTY_KEY", " ");

  private final AtomicInteger scriptedStarts = new AtomicInteger();
  private final Supplier<String> scripted = () -> {
    scriptedStarts.incrementAndGet();
    return SCRIPTED_URL;
  };

  private ModelList read(String hocon) {
    return ModelConfiguration.read(LlmConfig.codelab(hocon), ENV::get, scripted);
  }

  private static String json(String json) {
    return "codelab.llm.models-json = \"\"\"" + json + "\"\"\"";
  }

  private String refusal(String hocon) {
    return assertThrows(IllegalArgumentException.class, () -> read(hocon)).getMessage();
  }

  @Test
  void readsTheHoconListOfModels() {
    ModelList models = read("""
        codelab.llm.models = [
          { name = "coder", base-url = "https://api.openai.com/v1/", api-key = "sk-inline",
            provider-model = "gpt-4o-mini", context-window = 128000 },
          { name = "local", provider = "openai", base-url = "http://localhost:11434/v1", context-window = 8192 }
        ]
        codelab.llm.default-model = "local"
        """);

    assertEquals(List.of(
            new ModelSettings("coder", Provider.OPENAI, "https://api.openai.com/v1", "sk-inline", "gpt-4o-mini", 128000),
            new ModelSettings("local", Provider.OPENAI, "http://localhost:11434/v1", null, "local", 8192)),
        models.models());
    assertEquals(
        new ModelCatalog(List.of(new ModelInfo("coder", "openai", 128000), new ModelInfo("local", "openai", 8192)), "local"),
        models.catalog());
    assertEquals(0, scriptedStarts.get(), "no scripted model when models are configured");
  }

  @Test
  void theFirstModelIsTheDefaultWhenNoneIsNamed() {
    ModelList models = read("""
        codelab.llm.models = [
          { name = "b", base-url = "http://b.example/v1", context-window = 1000 },
          { name = "a", base-url = "http://a.example/v1", context-window = 1000 }
        ]
        """);

    assertEquals("b", models.defaultModel());
  }

  @Test
  void readsTheJsonVariableWithSnakeCaseKeysAndKeysHeldByOtherVariables() {
    ModelList models = read(json("""
        [{"name": "coder", "base_url": "https://api.openai.com/v1", "api_key_env": "OPENAI_KEY",
          "provider_model": "gpt-4o", "context_window": 128000},
         {"name": "local", "base-url": "http://127.0.0.1:8000/v1", "context-window": "32768"}]
        """) + "\ncodelab.llm.default-model = local");

    assertEquals(List.of(
            new ModelSettings("coder", Provider.OPENAI, "https://api.openai.com/v1", "sk-from-env", "gpt-4o", 128000),
            new ModelSettings("local", Provider.OPENAI, "http://127.0.0.1:8000/v1", null, "local", 32768)),
        models.models());
    assertEquals("local", models.defaultModel());
  }

  @Test
  void theJsonVariableWinsOverTheHoconList() {
    ModelList models = read(json("[{\"name\": \"from-env\", \"base_url\": \"http://env.example/v1\", \"context_window\": 10}]") + """

        codelab.llm.models = [{ name = "from-file", base-url = "http://file.example/v1", context-window = 10 }]
        """);

    assertEquals(List.of("from-env"), models.catalog().names());
  }

  @Test
  void theLlmVariablesOfEarlierReleasesDefineOneModel() {
    ModelList models = read("""
        codelab.llm.base-url = "http://localhost:11434/v1"
        codelab.llm.model = "qwen2.5-coder"
        codelab.llm.api-key = "sk-old"
        codelab.llm.context-window = 16384
        """);

    assertEquals(
        List.of(new ModelSettings("qwen2.5-coder", Provider.OPENAI, "http://localhost:11434/v1", "sk-old", "qwen2.5-coder", 16384)),
        models.models());
    assertEquals("qwen2.5-coder", models.defaultModel());
    assertEquals(0, scriptedStarts.get());
  }

  @Test
  void theSingleModelHasADefaultContextWindow() {
    ModelList models = read("codelab.llm.base-url = \"http://localhost:11434/v1\"\ncodelab.llm.model = m");

    assertEquals(32768, models.catalog().defaultModelInfo().contextWindow());
  }

  @Test
  void withNoModelConfiguredTheScriptedModelIsTheOnlyOne() {
    ModelList models = read("codelab.scripted-model.context-window = 512");

    assertEquals(List.of(new ModelSettings("scripted", Provider.OPENAI, SCRIPTED_URL, null, "scripted", 512)), models.models());
    assertEquals(ModelCatalog.of(new ModelInfo("scripted", "openai", 512)), models.catalog());
    assertEquals(1, scriptedStarts.get());
  }

  @Test
  void theScriptedModelsContextWindowDefaultsTo32768() {
    assertEquals(32768, read("").catalog().defaultModelInfo().contextWindow());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      codelab.llm.models = [{name = a, base-url = "http://x/v1", context-window = 1}, {name = a, base-url = "http://y/v1", context-window = 1}] \
        | codelab.llm.models[1]: the name 'a' is taken by codelab.llm.models[0]
      codelab.llm.models = [{name = a, provider = gemini, base-url = "http://x/v1", context-window = 1}] \
        | codelab.llm.models[0] ('a'): provider is 'gemini', which is not a known provider (known: openai, anthropic)
      codelab.llm.models = [{name = a, provider = anthropic, base-url = "https://api.anthropic.com/v1", context-window = 1}] \
        | codelab.llm.models[0] ('a'): provider is 'anthropic', which this release does not support yet (it comes with the model gateway); use 'openai' for any OpenAI-compatible server
      codelab.llm.models = [{name = a, context-window = 1}] \
        | codelab.llm.models[0] ('a'): base-url is missing
      codelab.llm.models = [{name = a, base-url = " ", context-window = 1}] \
        | codelab.llm.models[0] ('a'): base-url is blank
      codelab.llm.models = [{name = a, base-url = "localhost:8000/v1", context-window = 1}] \
        | codelab.llm.models[0] ('a'): base-url is 'localhost:8000/v1', which is not an http(s) URL
      codelab.llm.models = [{name = a, base-url = "http://x/v1", context-window = 1}], codelab.llm.default-model = b \
        | CODELAB_LLM_DEFAULT_MODEL (codelab.llm.default-model) is 'b', which is not among the configured models [a]
      codelab.llm.models = [{name = a, base-url = "http://x/v1", context-window = 0}] \
        | codelab.llm.models[0] ('a'): context-window must be a positive number of tokens, not 0
      codelab.llm.models = [{name = a, base-url = "http://x/v1", context-window = -4096}] \
        | codelab.llm.models[0] ('a'): context-window must be a positive number of tokens, not -4096
      codelab.llm.models = [{name = a, base-url = "http://x/v1", context-window = lots}] \
        | codelab.llm.models[0] ('a'): context-window must be a whole number of tokens
      codelab.llm.models = [{name = a, base-url = "http://x/v1"}] \
        | codelab.llm.models[0] ('a'): context-window is missing (the model's tokens, prompt and answer together)
      codelab.llm.models = [{base-url = "http://x/v1", context-window = 1}] \
        | codelab.llm.models[0]: name is missing
      codelab.llm.models = [{name = a, base-url = "http://x/v1", context-window = 1, fallbacks = [b]}] \
        | codelab.llm.models[0]: fallbacks is not supported yet (it comes with the model gateway)
      codelab.llm.models = [{name = a, baseurl = "http://x/v1", context-window = 1}] \
        | codelab.llm.models[0]: unknown key 'baseurl' (known: name, provider, base-url, api-key, api-key-env, provider-model, context-window)
      codelab.llm.models = [{name = a, base-url = "http://x/v1", base_url = "http://y/v1", context-window = 1}] \
        | codelab.llm.models[0]: base-url is given twice
      codelab.llm.models = [a] \
        | codelab.llm.models[0]: is not an object of a model's settings
      codelab.llm.models = [{name = a, base-url = "http://x/v1", context-window = 1}], codelab.llm.base-url = "http://y/v1" \
        | codelab.llm.models lists the models, and CODELAB_LLM_BASE_URL is set as well; give the models in one place
      codelab.llm.base-url = "http://y/v1", codelab.llm.context-window = 0 \
        | CODELAB_LLM_CONTEXT_WINDOW must be a positive number of tokens, not 0
      codelab.llm.base-url = "http://y/v1", codelab.llm.provider = anthropic \
        | CODELAB_LLM_PROVIDER is 'anthropic', which this release does not support yet (it comes with the model gateway); use 'openai' for any OpenAI-compatible server
      codelab.llm.base-url = "http://y/v1", codelab.llm.model = m, codelab.llm.default-model = gpt \
        | CODELAB_LLM_DEFAULT_MODEL (codelab.llm.default-model) is 'gpt', which is not among the configured models [m]
      codelab.llm.provider = anthropic \
        | CODELAB_LLM_PROVIDER is 'anthropic', which this release does not support yet (it comes with the model gateway); use 'openai' for any OpenAI-compatible server
      codelab.scripted-model.context-window = 0 \
        | CODELAB_SCRIPTED_CONTEXT_WINDOW must be a positive number of tokens, not 0
      """)
  void aWrongHoconConfigurationStopsTheNodeWithOneClearMessage(String hocon, String message) {
    assertEquals(message, refusal(hocon));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      [{"name": "a", "base_url": "http://x/v1", "api_key_env": "NOT_SET", "context_window": 1}] \
        | CODELAB_LLM_MODELS[0] ('a'): api_key_env names NOT_SET, which is not set
      [{"name": "a", "base_url": "http://x/v1", "api_key_env": "EMPTY_KEY", "context_window": 1}] \
        | CODELAB_LLM_MODELS[0] ('a'): api_key_env names EMPTY_KEY, which is not set
      [{"name": "a", "base_url": "http://x/v1", "api_key": "k", "api_key_env": "OPENAI_KEY", "context_window": 1}] \
        | CODELAB_LLM_MODELS[0] ('a'): api_key_env and api_key are both given; give one
      [{"name": "a", "base_url": "http://x/v1", "context_window": 0}] \
        | CODELAB_LLM_MODELS[0] ('a'): context_window must be a positive number of tokens, not 0
      [{"name": "a", "base_url": "http://x/v1", "context_window": 1}, {"name": "a", "base_url": "http://x/v1", "context_window": 1}] \
        | CODELAB_LLM_MODELS[1]: the name 'a' is taken by CODELAB_LLM_MODELS[0]
      [{"name": "a", "url": "http://x/v1"}] \
        | CODELAB_LLM_MODELS[0]: unknown key 'url' (known: name, provider, base_url, api_key, api_key_env, provider_model, context_window)
      [{"name": "a", "base_url": "http://x/v1", "context_window": [1]}] \
        | CODELAB_LLM_MODELS[0] ('a'): context_window must be a whole number of tokens
      [{"name": 7, "base_url": "http://x/v1", "context_window": 1}, {"name": ["a"]}] \
        | CODELAB_LLM_MODELS[1]: name must be text
      {"name": "a"} \
        | CODELAB_LLM_MODELS must be a JSON array of models
      [] \
        | CODELAB_LLM_MODELS lists no models
      [{"name": "a",}] \
        | CODELAB_LLM_MODELS is not valid JSON (line 1, column 15): Unexpected character ('}' (code 125)): was expecting double-quote to start field name
      """)
  void aWrongJsonVariableStopsTheNodeWithOneClearMessage(String json, String message) {
    assertEquals(message, refusal(json(json)));
  }

  @Test
  void noMessageShowsAKey() {
    String message = refusal(json("[{\"name\": \"a\", \"base_url\": \"http://x/v1\", \"api_key\": \"sk-secret\", \"context_window\": -1}]"));

    assertFalse(message.contains("sk-secret"), message);
    assertFalse(read(json("[{\"name\": \"a\", \"base_url\": \"http://x/v1\", \"api_key\": \"sk-secret\", \"context_window\": 1}]"))
        .models().toString().contains("sk-secret"));
  }
}
