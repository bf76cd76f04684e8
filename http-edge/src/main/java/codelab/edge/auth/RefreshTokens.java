package codelab.edge.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Opaque refresh tokens: {@code rt.<family id>.<256 random bits>}. The family id routes the token to
 * its {@code RefreshTokenFamily}; only the SHA-256 of the whole token is ever stored (a fast hash is
 * enough for 256 random bits: there is nothing to guess).
 */
final class RefreshTokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORMAT =
      Pattern.compile("rt\\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.[A-Za-z0-9_-]{43}");

  private RefreshTokens() {}

  record Minted(String familyId, String token, String hash) {}

  static Minted mint(String familyId) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = "rt." + familyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new Minted(familyId, token, hash(token));
  }

  static Minted mintNewFamily() {
    return mint(UUID.randomUUID().toString());
  }

  static Optional<String> familyOf(String token) {
    var matcher = FORMAT.matcher(token == null ? "" : token.trim());
    return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.trim().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
