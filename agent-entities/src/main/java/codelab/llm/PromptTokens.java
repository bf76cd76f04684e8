package codelab.llm;

import java.util.List;

/**
 * What the parts of a Chat Completions request cost in tokens: a message is its text plus the
 * format's wrapping, a tool definition its text plus the wrapping the provider renders it in.
 *
 * <p>The constants are OpenAI's, from the cookbook "How to count tokens with tiktoken"
 * (github.com/openai/openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb):
 * every message is wrapped as {@code <|start|>{role}<|message|>{content}<|end|>}, 3 tokens plus
 * the role's one (4 for gpt-3.5-turbo-0301, all told); every reply is primed with
 * {@code <|start|>assistant<|message|>}, 3 tokens; a function definition costs 7 (gpt-4o) or 10
 * (gpt-4, gpt-3.5-turbo) tokens to open and 12 to close. Where models differ the larger number is
 * taken. Other families wrap messages in a similar handful of tokens.
 */
public final class PromptTokens {

  /** The reply's priming, once a request. */
  public static final int REPLY_PRIMING = 3;

  // The wrapping plus the role word.
  private static final int PER_MESSAGE = 4;
  // The cookbook has no figure for the tool calls of an assistant message; this is the JSON they
  // are sent in, {"id":"","type":"function","function":{"name":"","arguments":""}} (14 tokens in
  // cl100k_base), and the comma between two calls.
  private static final int PER_TOOL_CALL = 15;
  private static final int PER_TOOL_DEFINITION = 10 + 12;

  private final TokenCounter counter;

  public PromptTokens(TokenCounter counter) {
    this.counter = counter;
  }

  public int message(LlmMessage message) {
    int tokens = PER_MESSAGE + counter.count(message.content()) + counter.count(message.toolCallId());
    for (LlmToolCall call : message.toolCalls()) {
      tokens += PER_TOOL_CALL + counter.count(call.id()) + counter.count(call.name()) + counter.count(call.argumentsJson());
    }
    return tokens;
  }

  /**
   * The tools offered. The schema is counted as the JSON text it is sent as; the provider renders
   * it more tersely (OpenAI as a TypeScript-like declaration), so this errs on the high side.
   */
  public int tools(List<LlmTool> tools) {
    int tokens = 0;
    for (LlmTool tool : tools) {
      tokens += PER_TOOL_DEFINITION + counter.count(tool.name()) + counter.count(tool.description())
          + counter.count(tool.parametersJsonSchema());
    }
    return tokens;
  }
}
