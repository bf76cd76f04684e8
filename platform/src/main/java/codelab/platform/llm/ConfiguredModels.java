package codelab.platform.llm;

import codelab.llm.LlmClient;
import codelab.llm.ModelCatalog;
import codelab.platform.scripted.ScriptedModelServer;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a node talks to, from {@code codelab.llm} (see {@link ModelConfiguration}): the client
 * the sessions stream through, and the catalog the domain chooses models from. With no model
 * configured, the scripted model is started on a local port and reached through the same adapter as
 * a real provider, so that a demo and the tests take the production path.
 */
public record ConfiguredModels(LlmClient client, ModelCatalog catalog) {

  private static final Logger log = LoggerFactory.getLogger(ConfiguredModels.class);

  /** @throws IllegalArgumentException when the configuration is wrong, saying what is */
  public static ConfiguredModels start(ActorSystem<?> system) {
    return start(system, system.settings().config().getConfig("codelab"), System::getenv);
  }

  static ConfiguredModels start(ActorSystem<?> system, Config codelab, Function<String, String> env) {
    ModelList models = ModelConfiguration.read(codelab, env, () -> startScriptedModel(system, codelab.getConfig("scripted-model")));
    log.info("Models (default '{}'): {}", models.defaultModel(), models.models());
    Config llm = codelab.getConfig("llm");
    return new ConfiguredModels(ModelRouter.over(models, model -> adapter(system, llm, model)), models.catalog());
  }

  private static ModelProvider adapter(ActorSystem<?> system, Config llm, ModelSettings model) {
    return switch (model.provider()) {
      case OPENAI -> new OpenAiChatClient(system, new OpenAiSettings(
          model.baseUrl(),
          model.apiKey(),
          model.providerModel(),
          llm.getDuration("connect-timeout"),
          llm.getDuration("first-token-timeout"),
          llm.getDuration("idle-timeout"),
          llm.getInt("max-connections")));
      case ANTHROPIC -> throw new IllegalStateException("no adapter for " + model + ": ModelEntry lets no unsupported provider through");
    };
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
