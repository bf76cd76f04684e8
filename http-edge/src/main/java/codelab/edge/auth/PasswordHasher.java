package codelab.edge.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * bcrypt password hashes for user accounts.
 *
 * <p>bcrypt reads at most 72 bytes, so two long passwords that share a 72-byte prefix would be the same
 * password. Rejecting long ones would turn away pass-phrases and password managers, so every password
 * is pre-hashed instead: HMAC-SHA256 under a fixed, platform-specific key, base64-encoded (44 ASCII
 * bytes, no NUL, all of it inside bcrypt's limit), then bcrypt. All passwords take the same path, so no
 * length makes a difference. The HMAC (rather than bare SHA-256) stops "hash shucking": unsalted SHA-256
 * dumps leaked by other sites cannot be tested against our hashes without the plaintext. The price is
 * that these hashes verify only through this class, not in another bcrypt tool.
 */
public final class PasswordHasher {
  public static final int DEFAULT_COST = 12;

  private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2B;

  /** Changing it invalidates every stored hash; it is a domain separator, not a secret. */
  private static final byte[] PREHASH_KEY = "codelab-platform/password-prehash/v1".getBytes(StandardCharsets.UTF_8);

  private final int cost;
  private final BCrypt.Hasher hasher;
  // strict(): the pre-hash is always 44 bytes, so an over-long input here would be our bug; fail loudly.
  private final BCrypt.Verifyer verifyer = BCrypt.verifyer(VERSION, LongPasswordStrategies.strict(VERSION));
  private final String dummyHash;

  public PasswordHasher() {
    this(DEFAULT_COST);
  }

  /** Cost is bcrypt's log2 work factor (4..31); tests use a low one. */
  public PasswordHasher(int cost) {
    if (cost < BCrypt.MIN_COST || cost > BCrypt.MAX_COST) {
      throw new IllegalArgumentException("bcrypt cost must be in " + BCrypt.MIN_COST + ".." + BCrypt.MAX_COST);
    }
    this.cost = cost;
    this.hasher = BCrypt.with(VERSION, new SecureRandom(), LongPasswordStrategies.strict(VERSION));
    // Same cost as real hashes, or a miss would answer faster than a wrong password and leak which
    // usernames exist. Nobody knows the password behind it.
    this.dummyHash = hash(UUID.randomUUID().toString());
  }

  public String hash(String password) {
    return new String(hasher.hash(cost, prehash(password)), StandardCharsets.US_ASCII);
  }

  /** For callers holding a char[]; normalisation needs a String, so this is no more secret than hash(String). */
  public String hash(char[] password) {
    return hash(new String(password));
  }

  /**
   * True when the password matches. Throws IllegalArgumentException if {@code hash} is not a bcrypt
   * hash: that is corrupt data on our side, not a wrong password, and must not look like one.
   */
  public boolean verify(String password, String hash) {
    BCrypt.Result result = verifyer.verify(prehash(password), hash.getBytes(StandardCharsets.US_ASCII));
    if (!result.validFormat) {
      throw new IllegalArgumentException("stored password hash is not a bcrypt hash");
    }
    return result.verified;
  }

  /** Spends the time of a real verify and returns false: call it when the username does not exist. */
  public boolean verifyAgainstNothing(String password) {
    verify(password, dummyHash);
    return false;
  }

  int cost() {
    return cost;
  }

  String dummyHash() {
    return dummyHash;
  }

  private static byte[] prehash(String password) {
    // NFKC (NIST SP 800-63B §5.1.1.2): the same password typed on another keyboard or OS may arrive as
    // differently composed Unicode and must still match.
    String normalized = Normalizer.normalize(password, Normalizer.Form.NFKC);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(PREHASH_KEY, "HmacSHA256"));
      byte[] digest = mac.doFinal(normalized.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encode(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
