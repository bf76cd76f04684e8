package codelab.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.edge.auth.InvalidTokenException.Reason;
import com.fasterxml.jackson.core.type.TypeReference;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokensTest {
  private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");
  private static final SigningKeys KEYS = SigningKeys.of(List.of(TestKeys.A));

  private static AccessTokens tokensAt(SigningKeys keys, Instant now) {
    return new AccessTokens(keys, AccessTokenSettings.defaults().withClock(Clock.fixed(now, ZoneOffset.UTC)));
  }

  private static AccessTokens tokensAt(Instant now) {
    return tokensAt(KEYS, now);
  }

  private static Reason rejection(AccessTokens verifier, String token) {
    return assertThrows(InvalidTokenException.class, () -> verifier.verify(token)).reason();
  }

  /** A payload that would verify if it were signed by us with a proper header. */
  private static Map<String, Object> validPayload() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "codelab-platform");
    claims.put("aud", "codelab-api");
    claims.put("sub", "user-1");
    claims.put("iat", T0.getEpochSecond());
    claims.put("nbf", T0.getEpochSecond());
    claims.put("exp", T0.getEpochSecond() + 900);
    claims.put("jti", "jti-1");
    claims.put("preferred_username", "alice");
    claims.put("scope", "sessions");
    return claims;
  }

  private static Map<String, Object> header(String alg, String kid, String typ) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", alg);
    if (kid != null) {
      header.put("kid", kid);
    }
    if (typ != null) {
      header.put("typ", typ);
    }
    return header;
  }

  @Test
  void issuedTokenRoundTrips() {
    AccessTokens tokens = tokensAt(T0);
    IssuedToken issued = tokens.issue("user-1", "alice", "sessions projects:read");

    assertEquals(900, issued.expiresInSeconds());
    AuthenticatedUser user = tokens.verify(issued.token());
    assertEquals("user-1", user.userId());
    assertEquals("alice", user.username());
    assertEquals("sessions projects:read", user.scope());
    assertTrue(user.hasScope("projects:read"));
    assertFalse(user.hasScope("admin"));
    assertEquals(T0.plusSeconds(900), user.expiresAt());

    Map<String, Object> header = HandMadeJwt.decodePart(issued.token(), 0);
    assertEquals(Map.of("alg", "RS256", "kid", TestKeys.A.kid(), "typ", "at+jwt"), header);
    Map<String, Object> claims = HandMadeJwt.decodePart(issued.token(), 1);
    assertEquals("codelab-platform", claims.get("iss"));
    assertEquals("codelab-api", claims.get("aud"));
    assertEquals("user-1", claims.get("sub"));
    assertEquals("alice", claims.get("preferred_username"));
    assertEquals(T0.getEpochSecond(), ((Number) claims.get("iat")).longValue());
    assertEquals(T0.getEpochSecond(), ((Number) claims.get("nbf")).longValue());
    assertEquals(T0.getEpochSecond() + 900, ((Number) claims.get("exp")).longValue());
    assertEquals(user.tokenId(), claims.get("jti"));
    assertFalse(issued.toString().contains(issued.token()));
  }

  @Test
  void everyTokenGetsItsOwnId() {
    AccessTokens tokens = tokensAt(T0);
    String first = tokens.verify(tokens.issue("user-1", "alice", "").token()).tokenId();
    String second = tokens.verify(tokens.issue("user-1", "alice", "").token()).tokenId();
    assertFalse(first.equals(second));
  }

  @Test
  void noScopeVerifiesAsEmptyScope() {
    AccessTokens tokens = tokensAt(T0);
    AuthenticatedUser user = tokens.verify(tokens.issue("user-1", "alice", null).token());
    assertEquals("", user.scope());
    assertFalse(user.hasScope(""));
  }

  @Test
  void publicKeyRebuiltFromJwksVerifiesAnIssuedToken() throws Exception {
    AccessTokens tokens = tokensAt(Instant.now());
    String token = tokens.issue("user-1", "alice", "sessions").token();

    // Through JSON, as a third party would receive it.
    String json = HandMadeJwt.JSON.writeValueAsString(KEYS.jwks());
    Map<String, List<Map<String, String>>> jwks = HandMadeJwt.JSON.readValue(json, new TypeReference<>() {});
    Map<String, String> jwk = jwks.get("keys").stream()
        .filter(k -> k.get("kid").equals(HandMadeJwt.decodePart(token, 0).get("kid")))
        .findFirst()
        .orElseThrow();
    Base64.Decoder b64url = Base64.getUrlDecoder();
    RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
        new BigInteger(1, b64url.decode(jwk.get("n"))), new BigInteger(1, b64url.decode(jwk.get("e")))));

    Claims claims = Jwts.parser().verifyWith(publicKey).build().parseSignedClaims(token).getPayload();
    assertEquals("user-1", claims.getSubject());
  }

  @Test
  void unsecuredAlgNoneIsRejected() {
    AccessTokens tokens = tokensAt(T0);
    for (String alg : List.of("none", "None", "NONE")) {
      String token = HandMadeJwt.compact(header(alg, TestKeys.A.kid(), "at+jwt"), validPayload(), HandMadeJwt.unsigned());
      assertEquals(Reason.UNSUPPORTED, rejection(tokens, token), alg);
      // and with the empty signature part dropped altogether
      assertEquals(Reason.UNSUPPORTED, rejection(tokens, token.substring(0, token.length() - 1)), alg);
    }
  }

  @Test
  void hs256KeyedWithOurPublicKeyIsRejected() {
    AccessTokens tokens = tokensAt(T0);
    RSAPublicKey publicKey = TestKeys.A.publicKey();
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(publicKey.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
    for (byte[] secret : List.of(publicKey.getEncoded(), pem.getBytes(StandardCharsets.US_ASCII))) {
      String token = HandMadeJwt.compact(header("HS256", TestKeys.A.kid(), "at+jwt"), validPayload(), HandMadeJwt.hs256(secret));
      assertEquals(Reason.UNSUPPORTED, rejection(tokens, token));
    }
  }

  @Test
  void otherRsaAndEcAlgorithmsAreRejected() {
    AccessTokens tokens = tokensAt(T0);
    for (String alg : List.of("RS512", "PS256", "ES256", "HS512", "rs256")) {
      String token = HandMadeJwt.compact(
          header(alg, TestKeys.A.kid(), "at+jwt"), validPayload(), HandMadeJwt.rs256(TestKeys.A.privateKey()));
      assertEquals(Reason.UNSUPPORTED, rejection(tokens, token), alg);
    }
  }

  @Test
  void duplicateHeaderMembersAreRejected() {
    // A parser that keeps the first "alg" and one that keeps the last would disagree on the algorithm.
    String header = "{\"alg\":\"RS256\",\"kid\":\"" + TestKeys.A.kid() + "\",\"typ\":\"at+jwt\",\"alg\":\"HS256\"}";
    String valid = HandMadeJwt.compact(
        header("RS256", TestKeys.A.kid(), "at+jwt"), validPayload(), HandMadeJwt.rs256(TestKeys.A.privateKey()));
    String[] parts = valid.split("\\.");
    String signingInput = HandMadeJwt.b64(header.getBytes(StandardCharsets.UTF_8)) + "." + parts[1];
    String token = signingInput + "."
        + HandMadeJwt.b64(HandMadeJwt.rs256(TestKeys.A.privateKey()).apply(signingInput.getBytes(StandardCharsets.US_ASCII)));
    assertEquals(Reason.MALFORMED, rejection(tokensAt(T0), token));
  }

  @Test
  void handMadeTokenSignedByUsVerifies() {
    // Guards the negative tests below: they differ from this one in one field only.
    String token = HandMadeJwt.compact(
        header("RS256", TestKeys.A.kid(), "at+jwt"), validPayload(), HandMadeJwt.rs256(TestKeys.A.privateKey()));
    assertEquals("user-1", tokensAt(T0).verify(token).userId());
  }

  @Test
  void tamperedPayloadIsRejected() {
    AccessTokens tokens = tokensAt(T0);
    String[] parts = tokens.issue("user-1", "alice", "sessions").token().split("\\.");
    Map<String, Object> claims = HandMadeJwt.decodePart(String.join(".", parts), 1);
    claims.put("sub", "admin");
    String forged = parts[0] + "." + HandMadeJwt.b64(HandMadeJwt.JSON.valueToTree(claims).toString()
        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertEquals(Reason.BAD_SIGNATURE, rejection(tokens, forged));
  }

  @Test
  void tamperedSignatureIsRejected() {
    AccessTokens tokens = tokensAt(T0);
    String token = tokens.issue("user-1", "alice", "sessions").token();
    char last = token.charAt(token.length() - 10);
    String forged = token.substring(0, token.length() - 10) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 9);
    assertEquals(Reason.BAD_SIGNATURE, rejection(tokens, forged));
  }

  @Test
  void onlyTheCanonicalEncodingOfEachPartVerifies() {
    // a 3072-bit signature (the generated key's) is 512 characters, a 2048-bit one 342: one appended
    // character leaves the first undecodable and the second decodable, so both are tried
    for (SigningKey key : List.of(SigningKey.generate(), TestKeys.A)) {
      assertOnlyTheCanonicalEncodingVerifies(tokensAt(SigningKeys.of(List.of(key)), T0));
    }
  }

  private static void assertOnlyTheCanonicalEncodingVerifies(AccessTokens tokens) {
    String token = tokens.issue("user-1", "alice", "api").token();
    String[] parts = token.split("\\.");
    // the signature's last character carries 4 bits that encode nothing; canonical text has them zero
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    String unusedBitsSet = token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(token.charAt(token.length() - 1)) ^ 1);
    List<String> variants = List.of(
        token + "x", token + "A", token + "%", token + "=", token + "==", token + "AA", token + " ", unusedBitsSet,
        parts[0] + "A." + parts[1] + "." + parts[2],
        parts[0] + "." + parts[1] + "A." + parts[2],
        parts[0] + "=." + parts[1] + "." + parts[2],
        token + ".", "." + token);
    for (String variant : variants) {
      assertThrows(InvalidTokenException.class, () -> tokens.verify(variant), variant.substring(variant.length() - 4));
    }
    assertEquals("user-1", tokens.verify(token).userId(), "the control");
  }

  @Test
  void aTokenNamingNoPossibleUsernameIsRefused() {
    AccessTokens tokens = tokensAt(T0);
    for (String name : List.of("mal\u0000lory", "\u212Aali", " alice", "a")) {
      assertEquals(Reason.INVALID_CLAIM, rejection(tokens, tokens.issue("user-1", name, "api").token()), name);
    }
  }

  @Test
  void wrongAudienceIsRejectedWithoutEchoingTheToken() {
    var settings = new AccessTokenSettings("codelab-platform", "some-other-api", Duration.ofMinutes(15),
        Duration.ofSeconds(30), Clock.fixed(T0, ZoneOffset.UTC));
    String token = new AccessTokens(KEYS, settings).issue("user-1", "alice", "sessions").token();

    InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> tokensAt(T0).verify(token));
    assertEquals(Reason.WRONG_AUDIENCE, e.reason());
    assertFalse(e.getMessage().contains(token));
    assertFalse(e.getMessage().contains("some-other-api"));
  }

  @Test
  void audienceArrayContainingUsIsAccepted() {
    Map<String, Object> claims = validPayload();
    claims.put("aud", List.of("another-api", "codelab-api"));
    String token = HandMadeJwt.compact(header("RS256", TestKeys.A.kid(), "at+jwt"), claims, HandMadeJwt.rs256(TestKeys.A.privateKey()));
    assertEquals("user-1", tokensAt(T0).verify(token).userId());
  }

  @Test
  void wrongIssuerIsRejected() {
    var settings = new AccessTokenSettings("someone-else", "codelab-api", Duration.ofMinutes(15),
        Duration.ofSeconds(30), Clock.fixed(T0, ZoneOffset.UTC));
    String token = new AccessTokens(KEYS, settings).issue("user-1", "alice", "sessions").token();
    assertEquals(Reason.WRONG_ISSUER, rejection(tokensAt(T0), token));

    Map<String, Object> claims = validPayload();
    claims.remove("iss");
    String noIssuer = HandMadeJwt.compact(header("RS256", TestKeys.A.kid(), "at+jwt"), claims, HandMadeJwt.rs256(TestKeys.A.privateKey()));
    assertEquals(Reason.MISSING_CLAIM, rejection(tokensAt(T0), noIssuer));
  }

  @Test
  void wrongOrMissingTypeIsRejected() {
    AccessTokens tokens = tokensAt(T0);
    for (String typ : new String[] {"JWT", "id_token+jwt", null}) {
      String token = HandMadeJwt.compact(header("RS256", TestKeys.A.kid(), typ), validPayload(), HandMadeJwt.rs256(TestKeys.A.privateKey()));
      assertEquals(Reason.WRONG_TYPE, rejection(tokens, token), String.valueOf(typ));
    }
    String longForm = HandMadeJwt.compact(
        header("RS256", TestKeys.A.kid(), "application/at+jwt"), validPayload(), HandMadeJwt.rs256(TestKeys.A.privateKey()));
    assertEquals("user-1", tokens.verify(longForm).userId());
  }

  @Test
  void missingRequiredClaimsAreRejected() {
    for (String claim : List.of("sub", "exp", "jti", "preferred_username")) {
      Map<String, Object> claims = validPayload();
      claims.remove(claim);
      String token = HandMadeJwt.compact(header("RS256", TestKeys.A.kid(), "at+jwt"), claims, HandMadeJwt.rs256(TestKeys.A.privateKey()));
      assertEquals(Reason.MISSING_CLAIM, rejection(tokensAt(T0), token), claim);
    }
  }

  @Test
  void expiredTokenIsRejectedOnceBeyondTheSkew() {
    String token = tokensAt(T0).issue("user-1", "alice", "sessions").token();
    Instant expiry = T0.plus(Duration.ofMinutes(15));

    assertEquals("user-1", tokensAt(expiry.minusSeconds(1)).verify(token).userId());
    assertEquals("user-1", tokensAt(expiry.plusSeconds(29)).verify(token).userId());
    assertEquals(Reason.EXPIRED, rejection(tokensAt(expiry.plusSeconds(31)), token));
    assertEquals(Reason.EXPIRED, rejection(tokensAt(expiry.plus(Duration.ofDays(1))), token));
  }

  @Test
  void tokenFromTheFutureIsRejectedBeyondTheSkewAndAcceptedWithin() {
    // The issuing node's clock runs ahead of the verifying node's.
    String slightlyAhead = tokensAt(T0.plusSeconds(29)).issue("user-1", "alice", "sessions").token();
    assertEquals("user-1", tokensAt(T0).verify(slightlyAhead).userId());

    String farAhead = tokensAt(T0.plusSeconds(31)).issue("user-1", "alice", "sessions").token();
    assertEquals(Reason.NOT_YET_VALID, rejection(tokensAt(T0), farAhead));
  }

  @Test
  void unknownOrMissingKidIsRejected() {
    AccessTokens tokens = tokensAt(T0);
    String foreignKid = tokensAt(SigningKeys.of(List.of(TestKeys.FOREIGN)), T0).issue("user-1", "alice", "").token();
    assertEquals(Reason.UNKNOWN_KEY, rejection(tokens, foreignKid));

    String noKid = HandMadeJwt.compact(header("RS256", null, "at+jwt"), validPayload(), HandMadeJwt.rs256(TestKeys.A.privateKey()));
    assertEquals(Reason.UNKNOWN_KEY, rejection(tokens, noKid));
  }

  @Test
  void foreignKeyClaimingOurKidIsRejected() {
    String token = HandMadeJwt.compact(
        header("RS256", TestKeys.A.kid(), "at+jwt"), validPayload(), HandMadeJwt.rs256(TestKeys.FOREIGN.privateKey()));
    assertEquals(Reason.BAD_SIGNATURE, rejection(tokensAt(T0), token));
  }

  @Test
  void keyEmbeddedInTheHeaderIsNotTrusted() {
    JsonWebKey attackerKey = JsonWebKey.forRsaSigning(TestKeys.FOREIGN.kid(), TestKeys.FOREIGN.publicKey());
    for (String kid : List.of(TestKeys.FOREIGN.kid(), TestKeys.A.kid())) {
      Map<String, Object> header = header("RS256", kid, "at+jwt");
      header.put("jwk", HandMadeJwt.JSON.convertValue(attackerKey, Map.class));
      String token = HandMadeJwt.compact(header, validPayload(), HandMadeJwt.rs256(TestKeys.FOREIGN.privateKey()));
      assertThrows(InvalidTokenException.class, () -> tokensAt(T0).verify(token), kid);
    }
  }

  @Test
  void garbageIsMalformed() {
    AccessTokens tokens = tokensAt(T0);
    assertEquals(Reason.MALFORMED, rejection(tokens, null));
    assertEquals(Reason.MALFORMED, rejection(tokens, ""));
    assertEquals(Reason.MALFORMED, rejection(tokens, "not-a-jwt"));
    assertEquals(Reason.MALFORMED, rejection(tokens, "a.b.c"));
    assertEquals(Reason.MALFORMED, rejection(tokens, "x".repeat(10_000)));
  }

  @Test
  void rotationSignsWithTheNewestAndRetiresTheOldest(@TempDir Path dir) throws Exception {
    Path oldKey = dir.resolve("old.pem");
    Path newKey = dir.resolve("new.pem");
    Files.writeString(oldKey, PrivateKeyFile.encode(TestKeys.A.privateKey()));
    Files.writeString(newKey, PrivateKeyFile.encode(TestKeys.B.privateKey()));

    String fromOldKey = tokensAt(SigningKeys.fromPemFiles(List.of(oldKey)), T0).issue("user-1", "alice", "").token();

    AccessTokens both = tokensAt(SigningKeys.fromPemFiles(List.of(oldKey, newKey)), T0);
    String fromNewKey = both.issue("user-2", "bob", "").token();
    assertEquals(TestKeys.B.kid(), HandMadeJwt.decodePart(fromNewKey, 0).get("kid"));
    assertEquals("user-1", both.verify(fromOldKey).userId());
    assertEquals("user-2", both.verify(fromNewKey).userId());

    AccessTokens newOnly = tokensAt(SigningKeys.fromPemFiles(List.of(newKey)), T0);
    assertEquals(Reason.UNKNOWN_KEY, rejection(newOnly, fromOldKey));
    assertEquals("user-2", newOnly.verify(fromNewKey).userId());
  }
}
