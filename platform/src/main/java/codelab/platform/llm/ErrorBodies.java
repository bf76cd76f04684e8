package codelab.platform.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Finds the human sentence in what a provider sent back instead of an answer. OpenAI and most
 * compatibles send {@code {"error":{"message":..}}}; Ollama and some proxies {@code {"error":".."}}
 * or {@code {"detail":..}}; anything else is shown as a short excerpt.
 */
final class ErrorBodies {

  static final int EXCERPT = 300;

  private ErrorBodies() {}

  static String describe(ObjectMapper json, String body) {
    if (body == null || body.isBlank()) return "(empty body)";
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.isObject()) {
        if (node.has("error")) return message(node.get("error"), body);
        for (String key : new String[] {"message", "detail"}) {
          if (node.path(key).isTextual()) return excerpt(node.get(key).asText(), EXCERPT);
        }
      }
    } catch (Exception notJson) {
      // an HTML error page from a proxy, say: the excerpt below is the best we have
    }
    return excerpt(body, EXCERPT);
  }

  /** The message of an OpenAI {@code error} value, which is an object or, on some servers, a string. */
  static String message(JsonNode error, String raw) {
    if (error.isTextual()) return excerpt(error.asText(), EXCERPT);
    if (error.path("message").isTextual()) return excerpt(error.get("message").asText(), EXCERPT);
    return excerpt(raw, EXCERPT);
  }

  static String excerpt(String text, int max) {
    String flat = text.strip().replaceAll("\\s+", " ");
    return flat.length() <= max ? flat : flat.substring(0, max) + "…";
  }
}
