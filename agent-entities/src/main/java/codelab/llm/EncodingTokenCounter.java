package codelab.llm;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Optional;

/** Counts with one of OpenAI's byte-pair encodings, as the model itself will see the text. */
final class EncodingTokenCounter implements TokenCounter {

  // One registry for the process: an encoding's vocabulary takes a noticeable time and some
  // megabytes to load. The lazy registry loads an encoding on first use only (a node of the
  // scripted model never loads one twice, nor one it does not need) and is safe to share
  // across threads (its encodings sit in a ConcurrentHashMap, and encoding is stateless).
  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

  private final Encoding encoding;

  private EncodingTokenCounter(Encoding encoding) {
    this.encoding = encoding;
  }

  /**
   * The encoding jtokkit names for the model, if any. jtokkit matches names by prefix, so a newer
   * model may get its family's older encoding (gpt-4.1 gets cl100k_base, not o200k_base); the
   * older, smaller vocabulary then counts a few tokens more, the safe side for a budget.
   */
  static Optional<TokenCounter> forOpenAiModel(String modelName) {
    return REGISTRY.getEncodingForModel(modelName).map(EncodingTokenCounter::new);
  }

  static EncodingTokenCounter cl100k() {
    return new EncodingTokenCounter(REGISTRY.getEncoding(EncodingType.CL100K_BASE));
  }

  @Override
  public int count(String text) {
    // "Ordinary": a message that quotes "<|endoftext|>" is text to the API, and countTokens
    // would throw on it.
    return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
  }

  @Override
  public String toString() {
    return encoding.getName();
  }
}
