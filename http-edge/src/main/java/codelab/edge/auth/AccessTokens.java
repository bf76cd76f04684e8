package codelab.edge.auth;

import codelab.account.Username;
import codelab.edge.auth.InvalidTokenException.Reason;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.IncorrectClaimException;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.MissingClaimException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.RequiredTypeException;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.SignatureException;
import java.security.Key;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * Issues and verifies the platform's access tokens: RS256 JWTs in the RFC 9068 profile
 * ({@code typ: at+jwt}). Thread-safe; build one per node and share it.
 */
public final class AccessTokens {
  /** RFC 9068 §2.1; the {@code application/} prefix may be omitted (RFC 7515 §4.1.9), so both forms verify. */
  static final String TOKEN_TYPE = "at+jwt";

  /** Far above a real token (about 1 KB); bounds the work an anonymous caller can make us do. */
  private static final int MAX_TOKEN_CHARS = 8 * 1024;

  private final SigningKeys keys;
  private final AccessTokenSettings settings;
  private final JwtParser parser;

  public AccessTokens(SigningKeys keys, AccessTokenSettings settings) {
    this.keys = keys;
    this.settings = settings;
    this.parser = Jwts.parser()
        // Allow-list the one algorithm we sign with; this is the check that binds, AlgorithmGate only names
        // the reason. jjwt already refuses 'none' (unsecured() is off), and an HS256 token keyed with our
        // public key dies here before any key is looked up.
        .sig().clear().add(Jwts.SIG.RS256).and()
        // jjwt's own decoder skips what is not base64url; the JDK's refuses it, so the bytes verified are
        // exactly those of the text CanonicalEncoding let through.
        .b64Url(encoded -> Base64.getUrlDecoder().wrap(encoded))
        // We never compress; refusing 'zip' keeps decompression off the unauthenticated path entirely.
        .zip().clear().and()
        .keyLocator(new OwnKeyLocator(keys))
        .requireIssuer(settings.issuer())
        .requireAudience(settings.audience())
        .clockSkewSeconds(settings.clockSkew().toSeconds())
        .clock(() -> Date.from(settings.clock().instant()))
        .build();
  }

  public IssuedToken issue(String userId, String username, String scope) {
    return issue(userId, username, scope, null);
  }

  /** {@code clientId}: the OAuth client the token is issued to, recorded as RFC 9068's {@code client_id} claim. */
  public IssuedToken issue(String userId, String username, String scope, String clientId) {
    if (userId == null || userId.isBlank() || username == null || username.isBlank()) {
      throw new IllegalArgumentException("userId and username are required");
    }
    // NumericDate has whole seconds; truncating here keeps expires_in exactly equal to exp - iat.
    Instant now = settings.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = now.plus(settings.lifetime());
    SigningKey key = keys.current();
    var builder = Jwts.builder()
        .header().keyId(key.kid()).type(TOKEN_TYPE).and()
        .issuer(settings.issuer())
        .audience().single(settings.audience())
        .subject(userId)
        .issuedAt(Date.from(now))
        .notBefore(Date.from(now))
        .expiration(Date.from(expiresAt))
        .id(UUID.randomUUID().toString())
        .claim("preferred_username", username);
    if (scope != null && !scope.isBlank()) {
      builder.claim("scope", scope);
    }
    if (clientId != null && !clientId.isBlank()) {
      builder.claim("client_id", clientId);
    }
    String token = builder.signWith(key.privateKey(), Jwts.SIG.RS256).compact();
    return new IssuedToken(token, settings.lifetime().toSeconds());
  }

  public AuthenticatedUser verify(String token) throws InvalidTokenException {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException(Reason.MALFORMED);
    }
    // the algorithm first: a token without one we accept is an attack signal, whatever else is wrong with it
    AlgorithmGate.requireRs256(token);
    CanonicalEncoding.require(token);
    Jws<Claims> jws = parse(token);
    String type = jws.getHeader().getType();
    if (!TOKEN_TYPE.equalsIgnoreCase(type) && !("application/" + TOKEN_TYPE).equalsIgnoreCase(type)) {
      // An ID token or any other JWT signed by a key we trust must not pass as an access token.
      throw new InvalidTokenException(Reason.WRONG_TYPE);
    }
    Claims claims = jws.getPayload();
    try {
      String userId = claims.getSubject();
      String username = claims.get("preferred_username", String.class);
      String tokenId = claims.getId();
      Date expiration = claims.getExpiration();
      if (isBlank(userId) || isBlank(username) || isBlank(tokenId) || expiration == null) {
        throw new InvalidTokenException(Reason.MISSING_CLAIM);
      }
      // our own tokens only name registered accounts; any other name must not reach an account's id
      Username account = Username.parse(username).orElseThrow(() -> new InvalidTokenException(Reason.INVALID_CLAIM));
      String scope = claims.get("scope", String.class);
      String clientId = claims.get("client_id", String.class);
      return new AuthenticatedUser(userId, username, account, scope == null ? "" : scope, tokenId, expiration.toInstant(), clientId);
    } catch (RequiredTypeException | IllegalArgumentException e) {
      throw new InvalidTokenException(Reason.INVALID_CLAIM);
    }
  }

  private Jws<Claims> parse(String token) {
    try {
      return parser.parseSignedClaims(token);
    } catch (InvalidTokenException e) {
      throw e;
    } catch (ExpiredJwtException e) {
      throw new InvalidTokenException(Reason.EXPIRED);
    } catch (PrematureJwtException e) {
      throw new InvalidTokenException(Reason.NOT_YET_VALID);
    } catch (MissingClaimException e) {
      throw new InvalidTokenException(Reason.MISSING_CLAIM);
    } catch (IncorrectClaimException e) {
      throw new InvalidTokenException(switch (e.getClaimName()) {
        case Claims.ISSUER -> Reason.WRONG_ISSUER;
        case Claims.AUDIENCE -> Reason.WRONG_AUDIENCE;
        default -> Reason.INVALID_CLAIM;
      });
    } catch (UnsupportedJwtException e) {
      throw new InvalidTokenException(Reason.UNSUPPORTED);
    } catch (SignatureException e) {
      throw new InvalidTokenException(Reason.BAD_SIGNATURE);
    } catch (JwtException | IllegalArgumentException e) {
      throw new InvalidTokenException(Reason.MALFORMED);
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * Picks the verification key by {@code kid} among our own keys only. Never a key from the token itself
   * ({@code jwk}, {@code jku}, {@code x5c}): that would let the token vouch for itself.
   */
  private static final class OwnKeyLocator extends LocatorAdapter<Key> {
    private final SigningKeys keys;

    OwnKeyLocator(SigningKeys keys) {
      this.keys = keys;
    }

    @Override
    protected Key locate(JwsHeader header) {
      // Belt and braces with the sig() allow-list: whatever reaches here, only RS256 gets a key.
      if (!Jwts.SIG.RS256.getId().equals(header.getAlgorithm())) {
        throw new InvalidTokenException(Reason.UNSUPPORTED);
      }
      return keys.find(header.getKeyId())
          .map(k -> (Key) k.publicKey())
          .orElseThrow(() -> new InvalidTokenException(Reason.UNKNOWN_KEY));
    }
  }
}
