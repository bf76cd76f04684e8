package codelab.edge.auth;

import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What access tokens say and how long they live. The clock skew tolerates clocks of different nodes
 * (and of other services verifying our tokens) disagreeing a little on exp and nbf.
 */
public record AccessTokenSettings(String issuer, String audience, Duration lifetime, Duration clockSkew, Clock clock) {

  public AccessTokenSettings {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(clock, "clock");
    if (lifetime.toSeconds() < 1) {
      throw new IllegalArgumentException("lifetime must be at least one second");
    }
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("clockSkew must not be negative");
    }
  }

  public static AccessTokenSettings fromConfig(Config config, Clock clock) {
    Config auth = config.getConfig("codelab.auth");
    return new AccessTokenSettings(
        auth.getString("issuer"), auth.getString("audience"), auth.getDuration("access-token-lifetime"), defaults().clockSkew(), clock);
  }

  public static AccessTokenSettings defaults() {
    return new AccessTokenSettings(
        "codelab-platform", "codelab-api", Duration.ofMinutes(15), Duration.ofSeconds(30), Clock.systemUTC());
  }

  public AccessTokenSettings withClock(Clock newClock) {
    return new AccessTokenSettings(issuer, audience, lifetime, clockSkew, newClock);
  }
}
