package codelab.edge.auth;

import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * One public RSA key as published in the JWKS (RFC 7517). Field order is the order Jackson writes, and
 * the names are the JWK member names, so this record serialises as-is.
 */
public record JsonWebKey(String kty, String use, String kid, String alg, String n, String e) {

  public static JsonWebKey forRsaSigning(String kid, RSAPublicKey key) {
    return new JsonWebKey(
        "RSA", "sig", kid, "RS256", base64UrlUnsigned(key.getModulus()), base64UrlUnsigned(key.getPublicExponent()));
  }

  /**
   * RFC 7518 §6.3.1 wants the unsigned big-endian octets without padding; BigInteger adds a leading zero
   * byte whenever the top bit is set (always, for a modulus), which verifiers would reject or misread.
   */
  static String base64UrlUnsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
