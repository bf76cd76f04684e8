package codelab.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;

/**
 * What sessions count, on Micrometer's global registry (a node adds its Prometheus registry; without
 * one, as in entity tests, nothing is kept). Labels are bounded: a model's name, an outcome, a kind of
 * error; never a session, turn or user id.
 */
final class SessionMeters {

  private static final Counter TOKENS = Counter.builder("codelab.tokens.relayed")
      .description("text deltas relayed from the model to the sessions' subscribers").register(Metrics.globalRegistry);
  private static final Timer JOURNAL = Timer.builder("codelab.journal.write")
      .description("from a session's persist to its events being in the journal").publishPercentileHistogram()
      .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10)).register(Metrics.globalRegistry);
  private static final Counter TASKS_STARTED = Counter.builder("codelab.plan.tasks.started")
      .description("plan tasks started in their task sessions").register(Metrics.globalRegistry);

  private SessionMeters() {}

  static void modelCallStarted(String model) {
    Metrics.counter("codelab.model.calls", "model", model(model)).increment();
  }

  static void firstToken(String model, long startedNanos) {
    Timer.builder("codelab.model.time.to.first.token").description("from a model call's start to its first text delta")
        .tag("model", model(model)).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(60))
        .register(Metrics.globalRegistry).record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  static void tokenRelayed() {
    TOKENS.increment();
  }

  /** {@code error}: the turn_failed text; its kind is one of a few words. */
  static void modelFailed(String model, String error) {
    Metrics.counter("codelab.model.errors", "model", model(model), "kind", kindOf(error)).increment();
  }

  static void turnEnded(String outcome, Instant startedAt, Instant endedAt) {
    Timer timer = Timer.builder("codelab.turn.duration").description("a turn, from its start to its end").tag("outcome", outcome)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(30))
        .register(Metrics.globalRegistry);
    if (startedAt != null && !endedAt.isBefore(startedAt)) timer.record(Duration.between(startedAt, endedAt));
    Metrics.counter("codelab.turns", "outcome", outcome).increment();
  }

  static void journalWritten(long startedNanos) {
    JOURNAL.record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  static void taskStarted() {
    TASKS_STARTED.increment();
  }

  static void taskEnded(String outcome) {
    Metrics.counter("codelab.plan.tasks.ended", "outcome", outcome).increment();
  }

  private static String model(String model) {
    return model == null ? "default" : model;
  }

  /** A bounded label from a failure's text (LlmException messages of the adapters). */
  static String kindOf(String error) {
    String text = error == null ? "" : error.toLowerCase(java.util.Locale.ROOT);
    if (text.contains("timed out") || text.contains("timeout") || text.contains("did not answer")) return "timeout";
    if (text.contains("http") || text.matches(".*\\b[45]\\d\\d\\b.*")) return "http";
    if (text.contains("stream") || text.contains("json") || text.contains("malformed")) return "protocol";
    return "other";
  }
}
