package codelab.llm;

/**
 * How many tokens a text is for one model. Counting is the model family's business: OpenAI's
 * encodings are public (and jtokkit implements them), other families get a documented estimate
 * that errs on the high side, because a prompt counted too small is refused by the provider.
 */
@FunctionalInterface
public interface TokenCounter {

  /** The tokens of {@code text} (none for null), special-token markers counted as plain text. */
  int count(String text);

  /**
   * The exact encoding for an {@code openai} model whose name jtokkit knows ({@code gpt-4o},
   * {@code gpt-4-0613}, {@code gpt-3.5-turbo}, …); otherwise — another provider, or an
   * OpenAI-compatible server running Llama, Qwen or the scripted model — the
   * {@linkplain EstimatedTokenCounter estimate}.
   */
  static TokenCounter forModel(ModelInfo model) {
    if ("openai".equals(model.provider())) {
      return EncodingTokenCounter.forOpenAiModel(model.name()).orElseGet(EstimatedTokenCounter::new);
    }
    return new EstimatedTokenCounter();
  }
}
