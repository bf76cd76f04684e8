package codelab.llm;

import java.util.List;

/**
 * One message of the context sent to the model, in Chat Completions terms. {@code role} is
 * system, user, assistant or tool; {@code toolCalls} only on assistant messages, {@code toolCallId}
 * only on tool messages.
 */
public record LlmMessage(String role, String content, List<LlmToolCall> toolCalls, String toolCallId) {
  public static LlmMessage system(String content) {
    return new LlmMessage("system", content, List.of(), null);
  }

  public static LlmMessage user(String content) {
    return new LlmMessage("user", content, List.of(), null);
  }

  public static LlmMessage assistant(String content) {
    return new LlmMessage("assistant", content, List.of(), null);
  }
}
