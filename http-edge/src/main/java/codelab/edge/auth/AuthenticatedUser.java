package codelab.edge.auth;

import codelab.account.Username;
import java.time.Instant;
import java.util.Arrays;

/**
 * Who a verified access token speaks for. {@code username} is the name as its account spells it,
 * {@code account} that name's canonical form, by which routes reach the account. {@code scope} is the
 * space-separated OAuth2 scope string, "" when the token carries none; {@code tokenId} is the token's
 * {@code jti}; {@code clientId} the OAuth client it was issued to (RFC 9068's {@code client_id}; null
 * in tokens issued before it was recorded): the edge serves the CodeLab IDE's own client as it expects.
 */
public record AuthenticatedUser(
    String userId, String username, Username account, String scope, String tokenId, Instant expiresAt, String clientId) {

  public boolean hasScope(String wanted) {
    return !wanted.isBlank() && Arrays.asList(scope.split(" ")).contains(wanted);
  }
}
