package codelab.platform.scripted;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a {@link ScriptedReply} into OpenAI's Chat Completions wire format: as the SSE frames of a
 * streamed answer ({@code chat.completion.chunk}s, a usage chunk, {@code [DONE]}), or as one
 * {@code chat.completion} document.
 */
final class CompletionWire {

  // split tool arguments this small so that clients must assemble them from several fragments
  private static final int ARGUMENT_FRAGMENT = 8;

  private final ObjectMapper json;

  CompletionWire(ObjectMapper json) {
    this.json = json;
  }

  /**
   * The frames of a streamed answer. Only {@code tokens} carry model output; the server paces those
   * and sends {@code head} and {@code tail} at once.
   */
  record Frames(List<String> head, List<String> tokens, List<String> tail) {}

  Frames stream(ScriptedReply reply, String id, String model) {
    List<String> tokens = new ArrayList<>();
    ObjectNode role = json.createObjectNode().put("role", "assistant");
    String finishReason;
    if (reply instanceof ScriptedReply.Text text) {
      role.put("content", "");
      for (String token : text.tokens()) tokens.add(frame(chunk(id, model, json.createObjectNode().put("content", token), null)));
      finishReason = "stop";
    } else {
      role.putNull("content");
      List<ScriptedReply.Call> calls = ((ScriptedReply.ToolCalls) reply).calls();
      for (int index = 0; index < calls.size(); index++) {
        ScriptedReply.Call call = calls.get(index);
        ObjectNode first = toolDelta(index);
        first.put("id", call.id()).put("type", "function");
        first.putObject("function").put("name", call.name()).put("arguments", "");
        tokens.add(frame(chunk(id, model, withToolCall(first), null)));
        for (String fragment : fragments(call.argumentsJson())) {
          ObjectNode next = toolDelta(index);
          next.putObject("function").put("arguments", fragment);
          tokens.add(frame(chunk(id, model, withToolCall(next), null)));
        }
      }
      finishReason = "tool_calls";
    }
    List<String> tail = List.of(
        frame(chunk(id, model, json.createObjectNode(), finishReason)),
        frame(usageChunk(id, model, reply.promptTokens(), tokens.size())),
        "data: [DONE]\n\n");
    return new Frames(List.of(frame(chunk(id, model, role, null))), List.copyOf(tokens), tail);
  }

  /** The same answer as one non-streamed {@code chat.completion}. */
  String completion(ScriptedReply reply, String id, String model) {
    ObjectNode body = header(id, model, "chat.completion");
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    int completionTokens;
    if (reply instanceof ScriptedReply.Text text) {
      message.put("content", String.join("", text.tokens()));
      choice.put("finish_reason", "stop");
      completionTokens = text.tokens().size();
    } else {
      message.putNull("content");
      ArrayNode calls = message.putArray("tool_calls");
      List<ScriptedReply.Call> requested = ((ScriptedReply.ToolCalls) reply).calls();
      completionTokens = 0;
      for (ScriptedReply.Call call : requested) {
        ObjectNode c = calls.addObject().put("id", call.id()).put("type", "function");
        c.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
        completionTokens += 1 + fragments(call.argumentsJson()).size();
      }
      choice.put("finish_reason", "tool_calls");
    }
    usage(body, reply.promptTokens(), completionTokens);
    return body.toString();
  }

  private ObjectNode chunk(String id, String model, ObjectNode delta, String finishReason) {
    ObjectNode chunk = header(id, model, "chat.completion.chunk");
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finishReason == null) choice.putNull("finish_reason");
    else choice.put("finish_reason", finishReason);
    chunk.putNull("usage");
    return chunk;
  }

  private ObjectNode usageChunk(String id, String model, int promptTokens, int completionTokens) {
    ObjectNode chunk = header(id, model, "chat.completion.chunk");
    chunk.putArray("choices");
    usage(chunk, promptTokens, completionTokens);
    return chunk;
  }

  private ObjectNode header(String id, String model, String object) {
    // "created" is fixed so that the same conversation always gives byte-identical answers
    return json.createObjectNode().put("id", id).put("object", object).put("created", 0).put("model", model);
  }

  private static void usage(ObjectNode body, int promptTokens, int completionTokens) {
    body.putObject("usage")
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
  }

  private ObjectNode toolDelta(int index) {
    return json.createObjectNode().put("index", index);
  }

  private ObjectNode withToolCall(ObjectNode toolCall) {
    ObjectNode delta = json.createObjectNode();
    delta.putArray("tool_calls").add(toolCall);
    return delta;
  }

  private static List<String> fragments(String text) {
    List<String> fragments = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(text.length(), start + ARGUMENT_FRAGMENT);
      // never cut a surrogate pair: each fragment must be valid JSON string content on its own
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end++;
      fragments.add(text.substring(start, end));
      start = end;
    }
    return fragments;
  }

  private static String frame(ObjectNode chunk) {
    return "data: " + chunk + "\n\n";
  }
}
