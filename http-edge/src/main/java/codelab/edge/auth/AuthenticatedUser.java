package codelab.edge.auth;

import codelab.account.Username;
import java.time.Instant;
import java.util.Arrays;

/**
 * Who a verified access token speaks for. {@code username} is the name as its account spells it,
 * {@code account} that name's canonical form, by which routes reach the account. {@code scope} is the
 * space-separated OAuth2 scope string, "" when the token carries none; {@code tokenId} is the token's
 * {@code jti}.
 */
public record AuthenticatedUser(String userId, String username, Username account, String scope, String tokenId, Instant expiresAt) {

  public boolean hasScope(String wanted) {
    return !wanted.isBlank() && Arrays.asList(scope.split(" ")).contains(wanted);
  }
}
