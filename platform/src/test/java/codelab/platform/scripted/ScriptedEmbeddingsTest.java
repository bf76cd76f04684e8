package codelab.platform.scripted;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The scripted embeddings are what tests of memory rely on: the same text the same vector, shared words close, none far. */
class ScriptedEmbeddingsTest {

  private static final int DIMENSIONS = ScriptedEmbeddings.DEFAULT_DIMENSIONS;

  @Test
  void theSameTextHasTheSameVectorWhateverItsCase() {
    float[] once = ScriptedEmbeddings.embed("The build fails on Java 17", DIMENSIONS);

    assertArrayEquals(once, ScriptedEmbeddings.embed("The build fails on Java 17", DIMENSIONS));
    assertArrayEquals(once, ScriptedEmbeddings.embed("the BUILD fails, on java 17!", DIMENSIONS));
    assertEquals(1.0, cosine(once, once), 1e-6, "vectors have length 1");
  }

  @Test
  void textsSharingWordsAreCloseAndTextsSharingNoneAreNot() {
    float[] query = ScriptedEmbeddings.embed("flyway migration for postgresql", DIMENSIONS);
    float[] sharing = ScriptedEmbeddings.embed("we wrote a flyway migration for the postgresql schema", DIMENSIONS);

    assertTrue(cosine(query, sharing) > 0.6, "shared words: " + cosine(query, sharing));
    List<String> unrelated = List.of(
        "the cat sat on the mat", "websocket reconnects resume after the last seq", "bcrypt cost twelve hashes passwords slowly",
        "tokens stream from the model to every client", "kubernetes rolls the deployment one pod at a time");
    for (String text : unrelated) {
      double score = cosine(query, ScriptedEmbeddings.embed(text, DIMENSIONS));
      assertTrue(Math.abs(score) < 0.25, text + ": " + score);
    }
  }

  @Test
  void aTextWithoutWordsIsTheZeroVector() {
    float[] nothing = ScriptedEmbeddings.embed("?! ...", DIMENSIONS);

    assertArrayEquals(new float[DIMENSIONS], nothing);
    assertEquals(0, ScriptedEmbeddings.tokens("?! ..."));
    assertEquals(3, ScriptedEmbeddings.tokens("one, two; three."));
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) dot += a[i] * b[i];
    return dot;
  }
}
