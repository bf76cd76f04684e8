package codelab.edge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A {@code *} stands for a port's digits or one label of a host, and an origin is only ever scheme://host[:port]. */
class OriginPolicyTest {

  private final OriginPolicy policy = new OriginPolicy("http://localhost:*, https://*.example.com, https://console.example.org");

  @Test
  void theWildcardsAdmitWhatTheyStandFor() {
    for (String origin : new String[] {"http://localhost:3000", "HTTP://LOCALHOST:8080", "https://app.example.com", "https://console.example.org"}) {
      assertTrue(policy.allows(origin), origin);
    }
  }

  @Test
  void userinfoPathsAndLongerHostsAreNotTheAllowedOrigin() {
    for (String origin :
        new String[] {
          "http://localhost:1@evil.example", "http://localhost:1/x", "http://localhost:", "http://localhost", "http://localhost:1.evil.example",
          "https://a.b.example.com", "https://example.com", "https://evil.com#.example.com", "https://console.example.org.evil", "null"
        }) {
      assertFalse(policy.allows(origin), origin);
    }
  }

  @Test
  void aLoneStarAdmitsAnyOriginButNothingElse() {
    OriginPolicy any = new OriginPolicy("*");
    assertTrue(any.allows("https://anything.example:8443"));
    assertFalse(any.allows("https://user@anything.example"));
  }

  @Test
  void anAllowedOriginThatIsNotAnOriginIsAConfigurationError() {
    assertThrows(IllegalArgumentException.class, () -> new OriginPolicy("http://localhost/app"));
    assertThrows(IllegalArgumentException.class, () -> new OriginPolicy("https://app-*.example.com"));
  }
}
