package codelab.platform.llm;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;

/** The node's {@code codelab} section as codelab.conf defines it, under a test's own settings, blind to this machine's environment. */
final class LlmConfig {

  private LlmConfig() {}

  static Config codelab(String hocon) {
    return ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.parseResources("codelab.conf"))
        .resolve(ConfigResolveOptions.noSystem())
        .getConfig("codelab");
  }
}
