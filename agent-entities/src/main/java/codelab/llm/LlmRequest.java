package codelab.llm;

import java.util.List;

/** One model call: the conversation so far and the tools the model may ask for. */
public record LlmRequest(List<LlmMessage> messages, List<LlmTool> tools) {}
