package codelab.platform.memory;

import java.util.Arrays;
import java.util.Random;

/**
 * Texts shaped like an agent's memories for the recall benchmark: words from a fixed vocabulary, the
 * common ones far more often than the rare (Zipf), as a turn's message and answer have them. Seeded:
 * every run remembers and asks the same texts.
 */
final class SyntheticMemories {

  private static final int VOCABULARY = 20_000;

  private final Random random;
  private final double[] cumulative = new double[VOCABULARY];

  SyntheticMemories(long seed) {
    random = new Random(seed);
    double total = 0;
    for (int rank = 0; rank < VOCABULARY; rank++) {
      total += 1.0 / (rank + 1);
      cumulative[rank] = total;
    }
    for (int rank = 0; rank < VOCABULARY; rank++) cumulative[rank] /= total;
  }

  /** A memory: 40 to 120 words, a turn's user message with its answer. */
  String memory() {
    return words(40 + random.nextInt(81));
  }

  /** What a turn starts with: 8 to 24 words. */
  String query() {
    return words(8 + random.nextInt(17));
  }

  private String words(int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) text.append(' ');
      text.append(word());
    }
    return text.toString();
  }

  private String word() {
    int rank = Arrays.binarySearch(cumulative, random.nextDouble());
    return "w" + Integer.toString(rank < 0 ? -rank - 1 : rank, 36);
  }
}
