package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every {@code /oauth/*} route (one budget) and registration (its own) are rate limited per client address, with Retry-After. */
class RateLimitTest {

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.Kind.class)
  void aBurstFromOneAddressIsToldWhenToComeBack(TestDatabase.Kind databaseKind) throws Exception {
    // the node's own test user registers and logs in first: 2 of the 4 allowed per minute
    RunningNode running = RunningNode.start(databaseKind, Map.of("codelab.auth.rate-limit.requests", 4, "codelab.auth.rate-limit.per", "1m"));
    try {
      ApiClient client = new ApiClient(running.httpPort());
      for (int i = 0; i < 2; i++) assertEquals(400, client.token("nobody-at-all", "some password " + i).status());
      assertEquals(200, client.postForm("/oauth/revoke", "token=unknown").status(), "/oauth/revoke spends the same budget");
      ApiClient.Reply limited = client.token("nobody-at-all", "one too many");
      assertEquals(429, limited.status());
      assertEquals("slow_down", limited.body().get("error").asText());
      long retryAfter = Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
      ApiClient.Reply revoke = client.postForm("/oauth/revoke", "token=unknown");
      assertEquals(429, revoke.status());
      assertEquals("slow_down", revoke.body().get("error").asText());
      assertTrue(revoke.raw().headers().firstValue("Retry-After").isPresent());

      // registration has its own budget; the node's test user spent 1 of the 4; it is a REST route, so its 429 is a REST error
      for (int i = 0; i < 3; i++) {
        assertEquals(201, client.post("/api/v1/auth/register", Map.of("username", "newcomer" + i, "password", "long enough password")).status());
      }
      ApiClient.Reply tooMany = client.post("/api/v1/auth/register", Map.of("username", "newcomer9", "password", "long enough password"));
      assertEquals(429, tooMany.status());
      assertEquals("rate_limited", tooMany.body().path("code").asText(), String.valueOf(tooMany.body()));
      assertNotNull(tooMany.body().get("message"));
      assertNotNull(tooMany.body().get("trace_id"));
      assertTrue(tooMany.raw().headers().firstValue("Retry-After").isPresent());
    } finally {
      running.stop();
    }
  }
}
