package codelab.llm;

import java.util.List;

/**
 * One model call: the conversation so far, the tools the model may ask for, and which of the
 * configured models answers ({@code model}, a name from the {@link ModelCatalog}; null for the default).
 * {@code traceparent}: the W3C trace context the call travels with (the request that caused it), or null.
 */
public record LlmRequest(List<LlmMessage> messages, List<LlmTool> tools, String model, String traceparent) {
  public LlmRequest(List<LlmMessage> messages, List<LlmTool> tools) {
    this(messages, tools, null, null);
  }

  public LlmRequest(List<LlmMessage> messages, List<LlmTool> tools, String model) {
    this(messages, tools, model, null);
  }
}
