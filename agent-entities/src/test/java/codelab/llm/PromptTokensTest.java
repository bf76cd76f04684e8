package codelab.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A message costs its text and OpenAI's documented wrapping. */
class PromptTokensTest {

  private final TokenCounter cl100k = TokenCounter.forModel(new ModelInfo("gpt-4", "openai", 8_192));
  private final PromptTokens tokens = new PromptTokens(cl100k);

  @Test
  void aMessageIsItsTextPlusItsWrapping() {
    // "hello world" is 2 tokens; 3 wrap the message, 1 is the role
    assertEquals(6, tokens.message(LlmMessage.user("hello world")));
    assertEquals(4, tokens.message(new LlmMessage("assistant", null, List.of(), null)));
  }

  @Test
  void toolCallsAndToolDefinitionsCount() {
    LlmMessage asking = new LlmMessage("assistant", null, List.of(new LlmToolCall("c1", "read_file", "{\"path\":\"a\"}")), null);
    assertEquals(4 + 15 + cl100k.count("c1") + cl100k.count("read_file") + cl100k.count("{\"path\":\"a\"}"),
        tokens.message(asking));
    LlmMessage answer = new LlmMessage("tool", "contents", List.of(), "c1");
    assertEquals(4 + cl100k.count("contents") + cl100k.count("c1"), tokens.message(answer));
    LlmTool tool = new LlmTool("read_file", "Reads a file.", "{\"type\":\"object\"}");
    assertEquals(22 + cl100k.count("read_file") + cl100k.count("Reads a file.") + cl100k.count("{\"type\":\"object\"}"),
        tokens.tools(List.of(tool)));
    assertEquals(0, tokens.tools(List.of()));
  }
}
