package codelab.platform.llm;

import codelab.llm.Embeddings;
import codelab.llm.LlmClient;
import codelab.llm.LlmException;
import codelab.llm.ModelCatalog;
import codelab.platform.scripted.ScriptedModelServer;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a node talks to, from {@code codelab.llm} (see {@link ModelConfiguration}): the client
 * the sessions stream through, the catalog the domain chooses models from, and the embeddings agent
 * memory is recalled by. With no model configured, the scripted model is started on a local port and
 * reached through the same adapters as a real provider, so that a demo and the tests take the
 * production path.
 */
public record ConfiguredModels(LlmClient client, ModelCatalog catalog, Embeddings embeddings) {

  private static final Logger log = LoggerFactory.getLogger(ConfiguredModels.class);

  /** @throws IllegalArgumentException when the configuration is wrong, saying what is */
  public static ConfiguredModels start(ActorSystem<?> system) {
    return start(system, system.settings().config().getConfig("codelab"), System::getenv);
  }

  static ConfiguredModels start(ActorSystem<?> system, Config codelab, Function<String, String> env) {
    AtomicBoolean scripted = new AtomicBoolean();
    ModelList models = ModelConfiguration.read(codelab, env, () -> {
      scripted.set(true);
      return startScriptedModel(system, codelab.getConfig("scripted-model"));
    });
    log.info("Models (default '{}'): {}", models.defaultModel(), models.models());
    Config llm = codelab.getConfig("llm");
    return new ConfiguredModels(
        ModelRouter.over(models, model -> adapter(system, llm, model)), models.catalog(), embeddings(system, llm, models, scripted.get()));
  }

  private static ModelProvider adapter(ActorSystem<?> system, Config llm, ModelSettings model) {
    return switch (model.provider()) {
      case OPENAI -> new OpenAiChatClient(system, settings(llm, model, model.providerModel()));
      case ANTHROPIC -> throw new IllegalStateException("no adapter for " + model + ": ModelEntry lets no unsupported provider through");
    };
  }

  /**
   * {@code codelab.llm.embedding-model} asked at the default model's endpoint, or, with the scripted
   * model and none named, the scripted model's own. Without an embedding model the embeddings fail,
   * saying so, when memory first needs one: a node whose agents remember nothing runs as before.
   */
  private static Embeddings embeddings(ActorSystem<?> system, Config llm, ModelList models, boolean scripted) {
    ModelSettings home = models.models().stream().filter(m -> m.name().equals(models.defaultModel())).findFirst().orElseThrow();
    String model = llm.getString("embedding-model").trim();
    if (model.isEmpty() && scripted) model = ScriptedModelServer.EMBEDDING_MODEL;
    if (model.isEmpty()) {
      log.warn("No embedding model configured (CODELAB_LLM_EMBEDDING_MODEL): agents with memory cannot remember or recall");
      return texts -> CompletableFuture.failedFuture(new LlmException(
          "No embedding model is configured (CODELAB_LLM_EMBEDDING_MODEL), so memories cannot be embedded"));
    }
    log.info("Agent memory embeds with '{}' at {}", model, home.baseUrl());
    return new OpenAiEmbeddingsClient(system, settings(llm, home, model));
  }

  private static OpenAiSettings settings(Config llm, ModelSettings endpoint, String providerModel) {
    return new OpenAiSettings(
        endpoint.baseUrl(),
        endpoint.apiKey(),
        providerModel,
        llm.getDuration("connect-timeout"),
        llm.getDuration("first-token-timeout"),
        llm.getDuration("idle-timeout"),
        llm.getInt("max-connections"));
  }

  private static String startScriptedModel(ActorSystem<?> system, Config scripted) {
    ScriptedModelServer server;
    try {
      server = ScriptedModelServer.start(system, 0, Duration.ofMillis(scripted.getLong("token-delay-ms")), scripted.getInt("extra-tokens"))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw new IllegalStateException("the scripted model could not start: " + e.getMessage(), e);
    }
    log.warn("**************************************************************************************");
    log.warn("* No LLM configured (CODELAB_LLM_MODELS, CODELAB_LLM_BASE_URL): using the SCRIPTED MODEL at {}", server.baseUrl());
    log.warn("* It echoes your messages and requests tools on keywords. Configure a real model for real answers.");
    log.warn("**************************************************************************************");
    return server.baseUrl();
  }
}
