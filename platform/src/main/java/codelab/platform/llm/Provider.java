package codelab.platform.llm;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of model server a configured model may live on. Anthropic is known so that a
 * configuration naming it gets a clear answer at start-up rather than "unknown"; its adapter comes
 * with the model gateway.
 */
enum Provider {
  /** Any server that speaks OpenAI's Chat Completions with streaming (OpenAI, Ollama, vLLM, LiteLLM …). */
  OPENAI("openai", true),
  /** Anthropic's Messages API: not supported by this release. */
  ANTHROPIC("anthropic", false);

  private final String id;
  private final boolean supported;

  Provider(String id, boolean supported) {
    this.id = id;
    this.supported = supported;
  }

  /** How configuration and the model catalog spell it. */
  String id() {
    return id;
  }

  boolean supported() {
    return supported;
  }

  static Optional<Provider> find(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(p -> p.id.equals(wanted)).findFirst();
  }

  static String known() {
    return String.join(", ", Arrays.stream(values()).map(Provider::id).toList());
  }
}
