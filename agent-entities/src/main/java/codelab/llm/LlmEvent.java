package codelab.llm;

import java.util.List;

/** What a streaming model answer is made of, in the order the provider sends it. */
public sealed interface LlmEvent {

  /** A piece of the assistant's text. */
  record TextDelta(String text) implements LlmEvent {}

  /**
   * The tool calls the model asked for, assembled from their streamed fragments (by index). Emitted
   * once, after the last fragment, before {@link Completed}.
   */
  record ToolCallsRequested(List<LlmToolCall> calls) implements LlmEvent {}

  /** Token accounting, when the provider reports it. */
  record Usage(int promptTokens, int completionTokens) implements LlmEvent {}

  /** The provider finished the answer; {@code finishReason} as the provider said it (stop, tool_calls, length). */
  record Completed(String finishReason) implements LlmEvent {}
}
