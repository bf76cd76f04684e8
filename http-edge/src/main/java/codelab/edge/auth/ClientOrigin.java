package codelab.edge.auth;

import codelab.account.UserAccount;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/** Who is calling, for rate limits and the audit: the client's address and its User-Agent. */
final class ClientOrigin {

  private ClientOrigin() {}

  static Route extract(Function<UserAccount.Origin, Route> inner) {
    return Directives.extractClientIP(
        address ->
            Directives.optionalHeaderValueByName(
                "User-Agent",
                agent -> {
                  String ip = address.getAddress().map(a -> a.getHostAddress()).orElse("unknown");
                  String userAgent = agent.map(a -> a.length() > 256 ? a.substring(0, 256) : a).orElse(null);
                  return inner.apply(new UserAccount.Origin(ip, userAgent));
                }));
  }
}
