package codelab.edge.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address: {@code capacity} requests at once, refilled evenly over
 * {@code period}. Per node: behind a load balancer each node enforces its share. Buckets of quiet
 * addresses are dropped so the map does not grow without bound.
 */
public final class RateLimiter {

  private record Bucket(double tokens, long updatedAtNanos) {}

  private final int capacity;
  private final double tokensPerNano;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(int capacity, Duration period, Clock clock) {
    this.capacity = capacity;
    this.tokensPerNano = capacity / (double) period.toNanos();
    this.clock = clock;
  }

  /** Empty when allowed; otherwise the seconds until a request would be allowed (for Retry-After). */
  public OptionalLong acquire(String key) {
    long now = nanos();
    boolean[] allowed = new boolean[1];
    Bucket after =
        buckets.compute(
            key,
            (k, bucket) -> {
              double tokens = bucket == null ? capacity : Math.min(capacity, bucket.tokens() + (now - bucket.updatedAtNanos()) * tokensPerNano);
              allowed[0] = tokens >= 1;
              return new Bucket(allowed[0] ? tokens - 1 : tokens, now);
            });
    if (buckets.size() > 100_000) forgetQuiet(now);
    if (allowed[0]) return OptionalLong.empty();
    long seconds = (long) Math.ceil((1 - after.tokens()) / tokensPerNano / 1_000_000_000d);
    return OptionalLong.of(Math.max(1, seconds));
  }

  private void forgetQuiet(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket bucket = it.next();
      if (bucket.tokens() + (now - bucket.updatedAtNanos()) * tokensPerNano >= capacity) it.remove();
    }
  }

  private long nanos() {
    return clock.millis() * 1_000_000L;
  }
}
