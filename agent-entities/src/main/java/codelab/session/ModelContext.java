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

  static List<LlmMessage> of(String systemPrompt, List<SessionState.ChatMessage> messages) {
    Map<String, String> providerIds = new HashMap<>();
    List<LlmMessage> context = new ArrayList<>(messages.size() + 1);
    context.add(LlmMessage.system(systemPrompt));
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
}
