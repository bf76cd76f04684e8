package codelab.llm;

import java.util.List;

/**
 * One model call: the conversation so far, the tools the model may ask for, and which of the
 * configured models answers ({@code model}, a name from the {@link ModelCatalog}; null for the default).
 */
public record LlmRequest(List<LlmMessage> messages, List<LlmTool> tools, String model) {
  public LlmRequest(List<LlmMessage> messages, List<LlmTool> tools) {
    this(messages, tools, null);
  }
}
