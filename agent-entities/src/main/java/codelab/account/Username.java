package codelab.account;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A login name in its one canonical form: the id of its {@link UserAccount}, the same for register,
 * login and every route that names an account. The alphabet is ASCII on purpose: folding case beyond
 * ASCII maps look-alikes (KELVIN SIGN, long s, dotted capital I) onto real names, and the name becomes
 * a database key, where a character such as NUL cannot even be stored.
 */
public record Username(String value) {

  /** The rule as a client is told it. */
  public static final String RULE =
      "username must be 3 to 32 characters: letters, digits, '_', '.', '-', starting with a letter or digit";

  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{2,31}");
  private static final Pattern CANONICAL = Pattern.compile("[a-z0-9][a-z0-9_.-]{2,31}");

  public Username {
    if (value == null || !CANONICAL.matcher(value).matches()) throw new IllegalArgumentException("not a canonical username");
  }

  /** Empty for anything outside the alphabet, surrounding spaces included: such a name has no account. */
  public static Optional<Username> parse(String name) {
    if (name == null || !ALLOWED.matcher(name).matches()) return Optional.empty();
    // all ASCII by now, so this folds A-Z and nothing else: "Alice" and "alice" are one account
    return Optional.of(new Username(name.toLowerCase(Locale.ROOT)));
  }
}
