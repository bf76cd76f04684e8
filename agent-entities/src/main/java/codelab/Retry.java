package codelab;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs a workflow of idempotent steps again when an entity did not answer in time: an ask that timed
 * out may still have been carried out, and the next attempt finds what the first one made. Any other
 * failure is an answer, and is not retried.
 */
public final class Retry {

  private Retry() {}

  public static <T> CompletionStage<T> onTimeout(int attempts, Supplier<CompletionStage<T>> workflow) {
    return workflow.get()
        .handle((value, failure) -> {
          if (failure == null) return CompletableFuture.completedFuture(value);
          if (attempts > 1 && isTimeout(failure)) return onTimeout(attempts - 1, workflow);
          return CompletableFuture.<T>failedFuture(failure);
        })
        .thenCompose(next -> next);
  }

  public static boolean isTimeout(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return cause instanceof TimeoutException;
  }
}
