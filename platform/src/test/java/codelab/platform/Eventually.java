package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** What a read side shows a moment after the events it follows: read again until it holds, for 15 s at most. */
final class Eventually {

  private Eventually() {}

  static <T> T reads(Supplier<T> read, Predicate<T> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    T last = read.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      last = read.get();
    }
    T seen = last;
    assertTrue(done.test(seen), () -> "not reached within 15 s: " + seen);
    return seen;
  }
}
