package codelab.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  /** The minimum cost keeps the suite fast; the cost does not change what is being tested. */
  private final PasswordHasher hasher = new PasswordHasher(4);

  @Test
  void hashVerifiesItsPasswordAndNoOther() {
    String hash = hasher.hash("correct horse battery staple");
    assertTrue(hash.startsWith("$2b$04$"), hash);
    assertTrue(hasher.verify("correct horse battery staple", hash));
    assertFalse(hasher.verify("correct horse battery stapler", hash));
    assertFalse(hasher.verify("", hash));
  }

  @Test
  void charArrayAndStringHashTheSamePassword() {
    assertTrue(hasher.verify("s3cret-pass", hasher.hash("s3cret-pass".toCharArray())));
  }

  @Test
  void samePasswordHashesDifferentlyEachTime() {
    assertNotEquals(hasher.hash("same password"), hasher.hash("same password"));
  }

  @Test
  void verifyAgainstNothingIsFalseAndCostsARealVerify() {
    assertFalse(hasher.verifyAgainstNothing("anything"));
    assertFalse(hasher.verifyAgainstNothing(""));
    assertTrue(hasher.dummyHash().startsWith("$2b$04$"));
    assertTrue(new PasswordHasher().dummyHash().startsWith("$2b$12$"), "default cost 12, dummy included");
    assertEquals(PasswordHasher.DEFAULT_COST, 12);
  }

  @Test
  void passwordsLongerThan72BytesAreNotTruncated() {
    String prefix = "ü".repeat(40); // 80 UTF-8 bytes: already past bcrypt's limit
    assertTrue(prefix.getBytes(StandardCharsets.UTF_8).length > 72);
    String hash = hasher.hash(prefix + "-one");
    assertTrue(hasher.verify(prefix + "-one", hash));
    assertFalse(hasher.verify(prefix + "-two", hash));
    assertFalse(hasher.verify(prefix, hash));

    String ascii = "a".repeat(72);
    assertFalse(hasher.verify(ascii + "X", hasher.hash(ascii + "Y")));
  }

  @Test
  void unicodeCompositionDoesNotMatter() {
    String composed = "caf\u00e9";
    String decomposed = "cafe\u0301";
    assertTrue(hasher.verify(decomposed, hasher.hash(composed)));
  }

  @Test
  void corruptStoredHashIsAnErrorNotAWrongPassword() {
    assertThrows(IllegalArgumentException.class, () -> hasher.verify("password", "not-a-bcrypt-hash"));
  }

  @Test
  void costOutsideBcryptsRangeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(3));
    assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(32));
  }
}
