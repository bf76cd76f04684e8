package codelab.account;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An e-mail address in its one canonical form: the id of its {@link AccountEmail}, so that an address
 * belongs to one account and a login may name it instead of the username. ASCII only (an
 * internationalised domain is written in its punycode form), for the reason {@link Username} gives:
 * case folding beyond ASCII makes look-alikes, and the address becomes a database key.
 */
public record EmailAddress(String value) {

  public static final int MAX_LENGTH = 254;
  public static final String RULE = "email must be an address such as name@example.com, at most " + MAX_LENGTH + " characters";

  private static final Pattern ALLOWED = Pattern.compile("[!-?A-~&&[^@]]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

  public EmailAddress {
    if (value == null || value.length() > MAX_LENGTH || !ALLOWED.matcher(value).matches() || !value.equals(value.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("not a canonical e-mail address");
    }
  }

  /** Empty for anything that is not an address by the rule above; surrounding spaces are not trimmed. */
  public static Optional<EmailAddress> parse(String address) {
    if (address == null || address.length() > MAX_LENGTH || !ALLOWED.matcher(address).matches()) return Optional.empty();
    // all ASCII by now: "Ann@Example.COM" and "ann@example.com" are one address, as mail providers treat them
    return Optional.of(new EmailAddress(address.toLowerCase(Locale.ROOT)));
  }
}
