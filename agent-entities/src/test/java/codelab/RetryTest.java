package codelab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

class RetryTest {

  @Test
  void anAttemptThatTimedOutIsMadeAgain() {
    AtomicInteger attempts = new AtomicInteger();
    String result = Retry.onTimeout(2, () -> attempts.incrementAndGet() == 1 ? timedOut() : CompletableFuture.completedFuture("done"))
        .toCompletableFuture()
        .join();
    assertEquals("done", result);
    assertEquals(2, attempts.get());
  }

  @Test
  void anEntitysRefusalIsAnAnswerAndNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    CompletionException failure = assertThrows(
        CompletionException.class,
        () -> Retry.onTimeout(3, () -> {
          attempts.incrementAndGet();
          return CompletableFuture.<String>failedFuture(new StatusReply.ErrorMessage("project not found"));
        }).toCompletableFuture().join());
    assertEquals(1, attempts.get());
    assertTrue(Refusal.is(failure, "project not found"));
  }

  @Test
  void theLastTimeoutIsTheAnswerOnceTheAttemptsAreSpent() {
    AtomicInteger attempts = new AtomicInteger();
    CompletionException failure = assertThrows(
        CompletionException.class, () -> Retry.onTimeout(2, () -> { attempts.incrementAndGet(); return RetryTest.<String>timedOut(); }).toCompletableFuture().join());
    assertEquals(2, attempts.get());
    assertTrue(Retry.isTimeout(failure));
  }

  private static <T> CompletionStage<T> timedOut() {
    return CompletableFuture.failedFuture(new TimeoutException("no answer"));
  }
}
