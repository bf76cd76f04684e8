package codelab.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScopesTest {

  @Test
  void noScopeAskedIsTheDefault() {
    for (String nothing : new String[] {null, "", "   "}) assertEquals(Optional.of("api"), Scopes.granted(nothing));
  }

  @Test
  void aKnownScopeIsGrantedOnce() {
    assertEquals(Optional.of("api"), Scopes.granted("api"));
    assertEquals(Optional.of("api"), Scopes.granted(" api  api "));
  }

  @Test
  void anyUnknownScopeRefusesTheRequest() {
    for (String asked : List.of("admin", "api admin", "API", "api\tadmin", "*")) assertTrue(Scopes.granted(asked).isEmpty(), asked);
  }

  @Test
  void aLoginFromBeforeScopesWereCheckedKeepsOnlyWhatIsKnown() {
    assertEquals("api", Scopes.stillKnown("api admin"));
    assertEquals("api", Scopes.stillKnown("admin"));
    assertEquals("api", Scopes.stillKnown(null));
  }
}
