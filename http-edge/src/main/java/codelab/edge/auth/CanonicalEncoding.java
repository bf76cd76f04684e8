package codelab.edge.auth;

import codelab.edge.auth.InvalidTokenException.Reason;
import java.util.Base64;

/**
 * A token is accepted only in the one text its bytes encode to: three base64url parts without padding,
 * every unused trailing bit zero. jjwt's decoder is lenient (it skips characters that are not base64
 * and bits that make no byte), so without this one signed token would have many spellings that all
 * verify — a token that is not the one issued, and a second key for anything that counts tokens by text.
 */
final class CanonicalEncoding {

  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private CanonicalEncoding() {}

  static void require(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) throw new InvalidTokenException(Reason.MALFORMED);
    for (String part : parts) {
      if (!isCanonical(part)) throw new InvalidTokenException(Reason.MALFORMED);
    }
  }

  private static boolean isCanonical(String part) {
    try {
      return ENCODER.encodeToString(DECODER.decode(part)).equals(part);
    } catch (IllegalArgumentException notBase64url) {
      return false;
    }
  }
}
