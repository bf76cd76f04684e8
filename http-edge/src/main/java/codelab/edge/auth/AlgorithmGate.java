package codelab.edge.auth;

import codelab.edge.auth.InvalidTokenException.Reason;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Base64;

/**
 * Looks at the JOSE header's {@code alg} before jjwt does. jjwt's own allow-list (see {@link AccessTokens})
 * is what actually enforces RS256; this gate exists so that {@code none}, HS256 and friends are reported
 * as {@link Reason#UNSUPPORTED} — an attack signal worth counting — rather than as a bad signature,
 * which is how jjwt reports an algorithm outside its allow-list.
 */
final class AlgorithmGate {
  /** Duplicate members are refused so this gate and jjwt cannot read two different headers. */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private AlgorithmGate() {}

  static void requireRs256(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      throw new InvalidTokenException(Reason.MALFORMED);
    }
    JsonNode header;
    try {
      header = JSON.readTree(Base64.getUrlDecoder().decode(token.substring(0, dot)));
    } catch (IllegalArgumentException | IOException e) {
      throw new InvalidTokenException(Reason.MALFORMED);
    }
    if (header == null || !header.isObject()) {
      throw new InvalidTokenException(Reason.MALFORMED);
    }
    JsonNode alg = header.get("alg");
    if (alg == null || !alg.isTextual() || !"RS256".equals(alg.textValue())) {
      throw new InvalidTokenException(Reason.UNSUPPORTED);
    }
  }
}
