package codelab.edge.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/** One RSA key pair we sign access tokens with, named by its RFC 7638 thumbprint. */
public record SigningKey(String kid, RSAPrivateCrtKey privateKey, RSAPublicKey publicKey) {

  /** RS256 with less than 2048 bits is refused by RFC 7518 §3.3 (and by jjwt at signing time). */
  static final int MIN_BITS = 2048;

  static final int GENERATED_BITS = 3072;

  public static SigningKey fromPrivateKey(RSAPrivateCrtKey privateKey) {
    if (privateKey.getModulus().bitLength() < MIN_BITS) {
      throw new IllegalArgumentException(
          "RSA signing key has " + privateKey.getModulus().bitLength() + " bits; at least " + MIN_BITS + " required");
    }
    RSAPublicKey publicKey = publicKeyOf(privateKey);
    return new SigningKey(thumbprint(publicKey), privateKey, publicKey);
  }

  public static SigningKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(GENERATED_BITS);
      return fromPrivateKey((RSAPrivateCrtKey) generator.generateKeyPair().getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is unavailable", e);
    }
  }

  /**
   * RFC 7638 §3: SHA-256 over the required members in lexicographic order with no whitespace. Deriving
   * the kid from the key (instead of a random id) makes it stable across restarts and nodes, and lets
   * anyone holding the JWKS recompute it.
   */
  static String thumbprint(RSAPublicKey key) {
    String canonical = "{\"e\":\"" + JsonWebKey.base64UrlUnsigned(key.getPublicExponent())
        + "\",\"kty\":\"RSA\",\"n\":\"" + JsonWebKey.base64UrlUnsigned(key.getModulus()) + "\"}";
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  private static RSAPublicKey publicKeyOf(RSAPrivateCrtKey key) {
    try {
      return (RSAPublicKey) KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a usable RSA key", e);
    }
  }

  /** The default record toString would hand the private key to whatever logs this. */
  @Override
  public String toString() {
    return "SigningKey[kid=" + kid + ", bits=" + publicKey.getModulus().bitLength() + "]";
  }
}
