package codelab.edge.auth;

import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * @param clients the OAuth2 client ids this server knows (public clients: no secret)
 * @param refreshTokenLifetime a login's absolute lifetime: its refresh tokens end then, however often rotated
 */
public record AuthSettings(Set<String> clients, Duration refreshTokenLifetime, RateLimiter tokenRequests, RateLimiter registrations) {

  public static AuthSettings fromConfig(Config config, Clock clock) {
    Config auth = config.getConfig("codelab.auth");
    Set<String> clients =
        Arrays.stream(auth.getString("clients").split(",")).map(String::trim).filter(c -> !c.isEmpty()).collect(Collectors.toSet());
    int requests = auth.getInt("rate-limit.requests");
    Duration per = auth.getDuration("rate-limit.per");
    return new AuthSettings(
        clients, auth.getDuration("refresh-token-lifetime"), new RateLimiter(requests, per, clock), new RateLimiter(requests, per, clock));
  }
}
