package codelab.session;

import codelab.llm.LlmMessage;
import codelab.llm.LlmToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversation as the model sees it: the agent's system prompt, then the messages, with tool
 * calls and their answers paired by the model's own call ids (clients know calls by the session's ids).
 */
final class ModelContext {

  private ModelContext() {}

  /** How much of each memory goes into a context: the top few, not a second conversation. */
  static final int MEMORY_EXCERPT = 2_000;

  /**
   * {@code remembered}: the agent's memories recalled for this turn, most relevant first (null or
   * empty: none), put after the prompt as a system message of their own.
   */
  static List<LlmMessage> of(String systemPrompt, List<String> remembered, List<SessionState.ChatMessage> messages) {
    Map<String, String> providerIds = new HashMap<>();
    List<LlmMessage> context = new ArrayList<>(messages.size() + 2);
    context.add(LlmMessage.system(systemPrompt));
    if (remembered != null && !remembered.isEmpty()) {
      StringBuilder note = new StringBuilder("What you remember from earlier conversations that may help here (most relevant first):");
      for (String memory : remembered) {
        note.append("\n- ").append(memory.length() > MEMORY_EXCERPT ? memory.substring(0, MEMORY_EXCERPT) + "…" : memory);
      }
      context.add(LlmMessage.system(note.toString()));
    }
    for (SessionState.ChatMessage message : messages) {
      if (message.role() == MessageRole.TOOL) {
        String providerId = providerIds.getOrDefault(message.toolCallId(), message.toolCallId());
        context.add(new LlmMessage("tool", message.content(), List.of(), providerId));
      } else if (!message.toolCalls().isEmpty()) {
        List<LlmToolCall> calls = new ArrayList<>();
        for (Session.ToolCall call : message.toolCalls()) {
          String providerId = call.providerCallId() != null ? call.providerCallId() : call.callId();
          providerIds.put(call.callId(), providerId);
          calls.add(new LlmToolCall(providerId, call.toolName(), call.argumentsJson()));
        }
        context.add(new LlmMessage("assistant", message.content(), calls, null));
      } else {
        context.add(new LlmMessage(message.role().word(), message.content(), List.of(), null));
      }
    }
    return context;
  }

  /** A completed turn as its agent remembers it: what the user asked and what it answered. */
  static String memoryOf(SessionState state, String turnId, String answer) {
    String asked = state.messages().stream()
        .filter(m -> m.role() == MessageRole.USER && turnId.equals(m.turnId()))
        .map(SessionState.ChatMessage::content)
        .reduce((first, second) -> second)
        .orElse("");
    return "User: " + asked + "\nAssistant: " + answer;
  }
}
