package codelab.platform.scripted;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scripted model's embeddings: a bag of words hashed into a fixed number of dimensions (each
 * lower-cased word adds +1 or -1 at a position its hash picks) and scaled to length 1. Two texts
 * that share words have a high cosine; two that share none have one near 0, because where their
 * words collide the signs are as likely to cancel as to add. Deterministic across runs and JVMs.
 */
final class ScriptedEmbeddings {

  /** As many as a small real embedding model has (all-MiniLM-L6-v2), so that a benchmark moves realistic vectors. */
  static final int DEFAULT_DIMENSIONS = 384;
  static final int MAX_DIMENSIONS = 4096;

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  private ScriptedEmbeddings() {}

  /** A text without a word (only punctuation, say) has the zero vector: similar to nothing. */
  static float[] embed(String text, int dimensions) {
    if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
      throw new IllegalArgumentException("dimensions must be between 1 and " + MAX_DIMENSIONS);
    }
    float[] vector = new float[dimensions];
    Matcher words = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (words.find()) {
      long hash = mix(fnv1a(words.group()));
      vector[(int) Long.remainderUnsigned(hash, dimensions)] += (hash & (1L << 40)) == 0 ? 1f : -1f;
    }
    double length = 0;
    for (float v : vector) length += v * v;
    if (length == 0) return vector;
    float scale = (float) (1 / Math.sqrt(length));
    for (int i = 0; i < dimensions; i++) vector[i] *= scale;
    return vector;
  }

  /** The scripted model's idea of a token: a word. */
  static int tokens(String text) {
    int count = 0;
    Matcher words = WORD.matcher(text);
    while (words.find()) count++;
    return count;
  }

  private static long fnv1a(String word) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  // FNV's low bits are weak for short words; splitmix64's finaliser spreads every input bit
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
