package codelab.platform;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds the tokens an attacker (or a careless client) would present, by hand, not with our own library. */
final class TokenForger {

  private TokenForger() {}

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String json(Map<String, Object> claims) {
    try {
      return ApiClient.JSON.writeValueAsString(claims);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String unsigned(Map<String, Object> header, Map<String, Object> claims) {
    return b64(json(header)) + "." + b64(json(claims)) + ".";
  }

  static String hs256(Map<String, Object> header, Map<String, Object> claims, byte[] secret) throws Exception {
    String input = b64(json(header)) + "." + b64(json(claims));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  static String rs256(Map<String, Object> header, Map<String, Object> claims, PrivateKey key) throws Exception {
    String input = b64(json(header)) + "." + b64(json(claims));
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initSign(key);
    signature.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64(signature.sign());
  }

  /** The node's own signing key, from its data directory: to sign tokens with claims it would never issue. */
  static PrivateKey nodeKey(Path dataDir) throws Exception {
    String pem = Files.readString(dataDir.resolve("keys").resolve("jwt-signing-key.pem"));
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  static PrivateKey foreignKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair().getPrivate();
  }
}
