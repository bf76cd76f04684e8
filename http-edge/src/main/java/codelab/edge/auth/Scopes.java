package codelab.edge.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The scopes the platform issues (RFC 6749 §3.3). There is one, {@code api}: the whole API. A token
 * names only scopes the platform knows, so that a scope checked some day cannot have been granted
 * already to whoever asked for it.
 */
final class Scopes {

  static final String DEFAULT = "api";
  private static final Set<String> KNOWN = Set.of(DEFAULT);

  private Scopes() {}

  /** What to grant for a request's {@code scope} parameter; empty when it names a scope the platform does not know. */
  static Optional<String> granted(String requested) {
    if (requested == null || requested.isBlank()) return Optional.of(DEFAULT);
    List<String> asked = tokens(requested);
    return KNOWN.containsAll(asked) ? Optional.of(String.join(" ", asked)) : Optional.empty();
  }

  /** The known part of a scope granted earlier: logins from before the platform checked scopes may hold any text. */
  static String stillKnown(String grantedEarlier) {
    List<String> known = tokens(grantedEarlier == null ? "" : grantedEarlier).stream().filter(KNOWN::contains).toList();
    return known.isEmpty() ? DEFAULT : String.join(" ", known);
  }

  private static List<String> tokens(String scope) {
    return Arrays.stream(scope.split(" ")).filter(token -> !token.isEmpty()).distinct().toList();
  }
}
