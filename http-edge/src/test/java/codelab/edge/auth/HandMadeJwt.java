package codelab.edge.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds compact JWTs byte by byte, for the malicious shapes jjwt refuses to produce. */
final class HandMadeJwt {
  static final ObjectMapper JSON = new ObjectMapper();

  private HandMadeJwt() {}

  static String compact(Map<String, ?> header, Map<String, ?> payload, Function<byte[], byte[]> signer) {
    String signingInput = b64(json(header)) + "." + b64(json(payload));
    byte[] signature = signer.apply(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + b64(signature);
  }

  static Function<byte[], byte[]> rs256(PrivateKey key) {
    return input -> {
      try {
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(input);
        return signature.sign();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  static Function<byte[], byte[]> hs256(byte[] secret) {
    return input -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return mac.doFinal(input);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  static Function<byte[], byte[]> unsigned() {
    return input -> new byte[0];
  }

  static Map<String, Object> decodePart(String token, int part) {
    try {
      byte[] json = Base64.getUrlDecoder().decode(token.split("\\.")[part]);
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] json(Map<String, ?> value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
