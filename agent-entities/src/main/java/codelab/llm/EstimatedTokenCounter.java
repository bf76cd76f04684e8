package codelab.llm;

/**
 * The estimate for a model whose tokenizer is not at hand: the text's count in OpenAI's
 * {@code cl100k_base}, plus a quarter, rounded up.
 *
 * <p>Why a real encoding rather than characters divided by a constant: tokens per character
 * depend on the text far more than on the model. In cl100k_base English prose is about 0.25
 * tokens a character, Java about 0.28, a base64 hash or a UUID 0.7, Russian 0.6, Chinese 1.1;
 * any one divisor is off by a factor of two to three for some of the texts an agent's history
 * holds (tool results are full of hashes, paths and numbers). A byte-pair encoding follows the
 * text.
 *
 * <p>Why cl100k_base and a quarter more: the open models behind OpenAI-compatible servers split
 * text no finer than that. Llama 3's and Qwen's vocabularies are cl100k_base's with tokens added,
 * so they need about as many tokens or fewer; Meta reports Llama 3 needs up to 15% fewer tokens
 * than Llama 2, so Llama 2 and the tokenizers of its size (32,000 tokens: Mistral 7B, Mixtral)
 * need up to about 18% more than cl100k_base; 25% covers that with room to spare. What it does
 * not cover is a script that a small vocabulary lacks (Chinese on Llama 2 falls back to bytes,
 * up to three tokens a character): such a prompt may still be refused by the server, and the turn
 * then fails with the server's reason.
 */
final class EstimatedTokenCounter implements TokenCounter {

  private static final int MARGIN_NUMERATOR = 5;
  private static final int MARGIN_DENOMINATOR = 4;

  private final TokenCounter cl100k = EncodingTokenCounter.cl100k();

  @Override
  public int count(String text) {
    int tokens = cl100k.count(text);
    return (tokens * MARGIN_NUMERATOR + MARGIN_DENOMINATOR - 1) / MARGIN_DENOMINATOR;
  }

  @Override
  public String toString() {
    return "estimate (cl100k_base + 25%)";
  }
}
