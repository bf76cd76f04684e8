package codelab.platform.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * Where an OpenAI-compatible endpoint is and how long to wait for it.
 *
 * @param baseUrl the API root including {@code /v1}, as OpenAI SDKs expect (e.g. {@code https://api.openai.com/v1})
 * @param apiKey sent as {@code Authorization: Bearer}; null or blank for endpoints without auth (Ollama, the scripted model)
 * @param model the model id asked for when the caller does not choose one per request
 * @param connectTimeout how long the TCP (and TLS) connect may take
 * @param firstTokenTimeout how long from sending the request until the first streamed event
 * @param idleTimeout the longest gap allowed between two streamed events once the answer has started
 * @param maxConnections concurrent answers streamed from this endpoint; pekko-http's pool default of 4
 *     would queue every further chat turn behind the running ones
 */
public record OpenAiSettings(
    String baseUrl,
    String apiKey,
    String model,
    Duration connectTimeout,
    Duration firstTokenTimeout,
    Duration idleTimeout,
    int maxConnections) {

  public OpenAiSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(firstTokenTimeout, "firstTokenTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (baseUrl.isBlank()) throw new IllegalArgumentException("baseUrl must not be blank");
    if (model.isBlank()) throw new IllegalArgumentException("model must not be blank");
    if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be at least 1");
    // "{baseUrl}/chat/completions" must not become "//chat/completions"
    while (baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
  }

  /** Timeouts that suit hosted providers: a slow model may think for a while before its first token. */
  public static OpenAiSettings of(String baseUrl, String apiKey, String model) {
    return new OpenAiSettings(
        baseUrl, apiKey, model, Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofSeconds(60), 64);
  }

  public boolean hasApiKey() {
    return apiKey != null && !apiKey.isBlank();
  }
}
