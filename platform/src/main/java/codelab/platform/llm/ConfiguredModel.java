package codelab.platform.llm;

import codelab.llm.LlmClient;
import codelab.platform.scripted.ScriptedModelServer;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model a node talks to, from {@code codelab.llm}: an OpenAI-compatible endpoint, or, when none
 * is configured, the scripted model started on a local port and reached through the same adapter,
 * so that a demo and the tests take the production path.
 */
public final class ConfiguredModel {

  private static final Logger log = LoggerFactory.getLogger(ConfiguredModel.class);

  private ConfiguredModel() {}

  public static LlmClient start(ActorSystem<?> system) throws Exception {
    Config config = system.settings().config();
    Config llm = config.getConfig("codelab.llm");
    String provider = llm.getString("provider").trim();
    if (!provider.equals("openai")) {
      throw new IllegalArgumentException(
          "CODELAB_LLM_PROVIDER=" + provider + " is not supported by this release; use 'openai' (any OpenAI-compatible server)");
    }
    String baseUrl = llm.getString("base-url").trim();
    String model = llm.getString("model");
    if (baseUrl.isEmpty()) {
      baseUrl = startScriptedModel(system, config.getConfig("codelab.scripted-model"));
      model = "scripted";
    } else {
      log.info("Using the OpenAI-compatible model '{}' at {}", model, baseUrl);
    }
    return new OpenAiChatClient(
        system,
        new OpenAiSettings(
            baseUrl,
            llm.getString("api-key"),
            model,
            llm.getDuration("connect-timeout"),
            llm.getDuration("first-token-timeout"),
            llm.getDuration("idle-timeout"),
            llm.getInt("max-connections")));
  }

  private static String startScriptedModel(ActorSystem<?> system, Config scripted) throws Exception {
    ScriptedModelServer server =
        ScriptedModelServer.start(system, 0, Duration.ofMillis(scripted.getLong("token-delay-ms")), scripted.getInt("extra-tokens"))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    log.warn("**************************************************************************************");
    log.warn("* No LLM configured (CODELAB_LLM_BASE_URL): using the SCRIPTED MODEL at {}", server.baseUrl());
    log.warn("* It echoes your messages and requests tools on keywords. Configure a real model for real answers.");
    log.warn("**************************************************************************************");
    return server.baseUrl();
  }
}
