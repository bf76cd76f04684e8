package codelab.load.scenario;

import codelab.load.client.ClientContext;
import codelab.load.client.TurnRecord;
import codelab.load.metrics.PhaseMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Runs turns in a closed loop for each of N clients (the next turn after the previous one's end and
 * the think time), for a fixed window, recording the turns sent in the window.
 */
final class TurnLoops {

  private TurnLoops() {}

  /**
   * {@code turn.apply(client, k)} sends client's k-th turn. Completes when every client's last turn
   * has ended; turns are not sent after the window, but those running then finish and are recorded.
   */
  static void run(
      ClientContext context, int clients, BiFunction<Integer, Integer, CompletionStage<TurnRecord>> turn,
      Pacing pacing, PhaseMetrics metrics) {
    long start = System.nanoTime();
    long windowStart = start + pacing.warmup().toNanos();
    long stopAt = windowStart + pacing.window().toNanos();
    metrics.window(windowStart, stopAt);
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      loops.add(done);
      long delay = clients == 1 ? 0 : pacing.stagger().toNanos() * i / clients;
      Loop loop = new Loop(context, i, turn, pacing.think(), stopAt, metrics, done);
      after(context, Duration.ofNanos(delay), () -> loop.next(0));
    }
    Duration limit = pacing.warmup().plus(pacing.window()).plus(context.turnTimeout()).plusSeconds(30);
    try {
      CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the clients' turns did not end within " + limit.toSeconds() + " s", e);
    }
  }

  private record Loop(
      ClientContext context, int client, BiFunction<Integer, Integer, CompletionStage<TurnRecord>> turn, Duration think,
      long stopAt, PhaseMetrics metrics, CompletableFuture<Void> done) {

    void next(int k) {
      CompletionStage<TurnRecord> sent;
      try {
        sent = turn.apply(client, k);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        return;
      }
      sent.whenComplete((record, failure) -> {
        if (failure != null) {
          context.violations().turnFailedOnClient();
        } else {
          metrics.add(record);
        }
        if (System.nanoTime() >= stopAt) {
          done.complete(null);
          return;
        }
        // a failed turn does not make the client hammer the server
        Duration pause = failure != null && think.toMillis() < 100 ? Duration.ofMillis(100) : think;
        after(context, pause, () -> next(k + 1));
      });
    }
  }

  private static void after(ClientContext context, Duration delay, Runnable action) {
    if (delay.isZero()) {
      context.executor().execute(action);
    } else {
      context.system().scheduler().scheduleOnce(delay, action, context.system().executionContext());
    }
  }
}
