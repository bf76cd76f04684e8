package codelab.platform.llm;

import codelab.llm.LlmEvent;
import codelab.llm.LlmException;
import codelab.llm.LlmToolCall;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns the data of one streamed Chat Completions answer, event by event, into {@link LlmEvent}s.
 * Holds the state of one answer (one per materialisation): tool calls arrive in fragments keyed by
 * {@code index} and are handed on whole, once, when the answer ends.
 */
final class ChatChunkDecoder {

  private static final int EXCERPT = 200;

  private final ObjectMapper json;
  private final String endpoint;
  private final SortedMap<Integer, PartialCall> calls = new TreeMap<>();
  private LlmEvent.Usage usage;
  private String finishReason;
  private boolean finished;

  ChatChunkDecoder(ObjectMapper json, String endpoint) {
    this.json = json;
    this.endpoint = endpoint;
  }

  /** The events carried by one SSE data payload; the end events once {@code [DONE]} arrives. */
  List<LlmEvent> accept(String data) {
    if (finished) return List.of();
    if (data.strip().equals("[DONE]")) return finish();
    JsonNode chunk = parse(data);
    JsonNode error = chunk.get("error");
    if (error != null && !error.isNull()) {
      throw new LlmException("The model at " + endpoint + " reported an error mid-answer: " + ErrorBodies.message(error, data));
    }
    List<LlmEvent> events = new ArrayList<>();
    for (JsonNode choice : chunk.path("choices")) {
      // we never ask for n > 1, so any other choice is noise
      if (choice.path("index").asInt(0) != 0) continue;
      JsonNode delta = choice.path("delta");
      JsonNode content = delta.get("content");
      if (content != null && content.isTextual() && !content.asText().isEmpty()) {
        events.add(new LlmEvent.TextDelta(content.asText()));
      }
      for (JsonNode fragment : delta.path("tool_calls")) addFragment(fragment);
      JsonNode reason = choice.get("finish_reason");
      if (reason != null && reason.isTextual()) finishReason = reason.asText();
    }
    JsonNode reported = chunk.get("usage");
    if (reported != null && reported.isObject()) {
      // some servers repeat usage on every chunk; only the last one counts
      usage = new LlmEvent.Usage(
          reported.path("prompt_tokens").asInt(0), reported.path("completion_tokens").asInt(0));
    }
    return events;
  }

  /**
   * The end events when the body ends. A server that said why it finished but skipped {@code [DONE]}
   * gave a whole answer; one that said neither was cut off.
   */
  List<LlmEvent> end() {
    if (finished) return List.of();
    if (finishReason != null) return finish();
    throw new LlmException("The model at " + endpoint + " closed the stream before the answer was complete");
  }

  private List<LlmEvent> finish() {
    finished = true;
    List<LlmEvent> events = new ArrayList<>();
    if (!calls.isEmpty()) {
      List<LlmToolCall> assembled = new ArrayList<>();
      for (PartialCall call : calls.values()) assembled.add(call.toCall());
      events.add(new LlmEvent.ToolCallsRequested(List.copyOf(assembled)));
    }
    if (usage != null) events.add(usage);
    String reason = finishReason != null ? finishReason : calls.isEmpty() ? "stop" : "tool_calls";
    events.add(new LlmEvent.Completed(reason));
    return events;
  }

  private void addFragment(JsonNode fragment) {
    String id = text(fragment.get("id"));
    int index;
    if (fragment.has("index")) {
      index = fragment.get("index").asInt();
    } else if (id != null && calls.values().stream().noneMatch(c -> id.equals(c.id))) {
      // servers that leave out the index send each call whole, with its own id
      index = calls.isEmpty() ? 0 : calls.lastKey() + 1;
    } else {
      index = calls.isEmpty() ? 0 : calls.lastKey();
    }
    PartialCall call = calls.computeIfAbsent(index, i -> new PartialCall());
    if (call.id == null) call.id = id;
    JsonNode function = fragment.path("function");
    String name = text(function.get("name"));
    if (call.name == null) call.name = name;
    String arguments = text(function.get("arguments"));
    if (arguments != null) call.arguments.append(arguments);
  }

  private JsonNode parse(String data) {
    try {
      JsonNode node = json.readTree(data);
      if (node == null || !node.isObject()) throw new LlmException(malformed(data, "not a JSON object"));
      return node;
    } catch (JsonProcessingException e) {
      throw new LlmException(malformed(data, e.getOriginalMessage()), e);
    }
  }

  private String malformed(String data, String why) {
    return "The model at " + endpoint + " sent malformed JSON (" + why + "): " + ErrorBodies.excerpt(data, EXCERPT);
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private static final class PartialCall {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();

    LlmToolCall toCall() {
      String callId = id != null ? id : "call_" + UUID.randomUUID().toString().replace("-", "");
      String args = arguments.length() == 0 ? "{}" : arguments.toString();
      return new LlmToolCall(callId, name == null ? "" : name, args);
    }
  }
}
