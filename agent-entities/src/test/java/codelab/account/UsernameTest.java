package codelab.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsernameTest {

  @Test
  void asciiCaseIsOneAccount() {
    assertEquals(Optional.of(new Username("kali")), Username.parse("kali"));
    assertEquals(Optional.of(new Username("kali")), Username.parse("KaLi"));
    assertEquals(Optional.of(new Username("dev.9_x-y")), Username.parse("Dev.9_X-y"));
  }

  @Test
  void lookAlikesAndUnstorableCharactersAreNoUsername() {
    List<String> refused =
        List.of(
            "\u212Aali", // KELVIN SIGN folds to k in Locale.ROOT
            "ka\u017Fi", // LATIN SMALL LETTER LONG S
            "\uFF4Bali", // FULLWIDTH k
            "K\u0130LI", // Turkish dotted capital I
            "k\u0131li", // Turkish dotless i
            "ka\u0301li", // combining acute accent
            "ka\u0000li",
            " kali",
            "kali ",
            "kali\n",
            "\u00A0kali",
            "ka li",
            "_kali",
            "ka",
            "k".repeat(33),
            "");
    for (String name : refused) assertTrue(Username.parse(name).isEmpty(), name);
    assertTrue(Username.parse(null).isEmpty());
  }

  @Test
  void onlyTheCanonicalFormIsAUsername() {
    assertThrows(IllegalArgumentException.class, () -> new Username("Kali"));
    assertThrows(IllegalArgumentException.class, () -> new Username("\u212Aali"));
  }
}
