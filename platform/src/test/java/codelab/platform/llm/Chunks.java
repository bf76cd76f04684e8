package codelab.platform.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** SSE frames as an OpenAI-compatible server sends them, for hand-made test streams. */
final class Chunks {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String DONE = "data: [DONE]\n\n";

  private Chunks() {}

  static String role() {
    ObjectNode delta = JSON.createObjectNode().put("role", "assistant").put("content", "");
    return frame(delta, null);
  }

  static String content(String text) {
    return frame(JSON.createObjectNode().put("content", text), null);
  }

  static String finish(String reason) {
    return frame(JSON.createObjectNode(), reason);
  }

  static String usage(int prompt, int completion) {
    ObjectNode chunk = JSON.createObjectNode().put("id", "chatcmpl-test").put("object", "chat.completion.chunk");
    chunk.putArray("choices");
    chunk.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion);
    return "data: " + chunk + "\n\n";
  }

  private static String frame(ObjectNode delta, String finishReason) {
    ObjectNode chunk = JSON.createObjectNode().put("id", "chatcmpl-test").put("object", "chat.completion.chunk");
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    if (finishReason == null) choice.putNull("finish_reason");
    else choice.put("finish_reason", finishReason);
    return "data: " + chunk + "\n\n";
  }
}
