package codelab.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.llm.LlmMessage;
import codelab.llm.LlmTool;
import codelab.llm.LlmToolCall;
import codelab.llm.ModelInfo;
import codelab.llm.PromptTokens;
import codelab.llm.TokenCounter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The prompt of a long session fits the window, history going oldest turn first. */
class ContextBudgetTest {

  private static final int WINDOW = 32_768;
  private static final ModelInfo GPT_4O = new ModelInfo("gpt-4o", "openai", WINDOW);
  private static final TokenCounter EXACT = TokenCounter.forModel(GPT_4O);
  private static final List<LlmTool> TOOLS = List.of(
      new LlmTool("read_file", "Reads a file of the workspace.",
          "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}"),
      new LlmTool("run", "Runs a shell command in the workspace.",
          "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}},\"required\":[\"command\"]}"));
  private static final List<String> WORDS = List.of(
      "the", "file", "session", "turn", "model", "test", "build", "class", "method", "returns", "value", "error",
      "line", "call", "tool", "result", "and", "of", "to", "in", "is", "it", "for", "with", "this", "that", "read",
      "write", "java", "maven", "token", "window", "context", "history", "agent", "user", "answer", "fails", "passes");

  private static final String SYSTEM_PROMPT = "You are the coder agent. Answer briefly and use the tools you are given.";

  /** About {@code words} tokens of text, different for each seed. */
  private static String text(long seed, int words) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < words; i++) {
      text.append(i == 0 ? "" : " ").append(WORDS.get(random.nextInt(WORDS.size())));
    }
    return text.toString();
  }

  /**
   * The agent's prompt, then {@code turns} turns of a user message, one to three tool calls, their
   * results and an answer, each message about 150 tokens. A turn is made from its distance to the
   * newest, so every conversation ends in the same turns whatever its length.
   */
  private static List<LlmMessage> conversation(int turns) {
    List<LlmMessage> context = new ArrayList<>();
    context.add(LlmMessage.system(SYSTEM_PROMPT));
    for (int age = turns; age >= 1; age--) {
      context.addAll(turn(age, text(age * 10L, 150)));
    }
    return context;
  }

  private static List<LlmMessage> turn(int age, String toolResult) {
    List<LlmMessage> turn = new ArrayList<>();
    turn.add(LlmMessage.user(text(age * 10L + 1, 150)));
    List<LlmToolCall> calls = new ArrayList<>();
    for (int c = 0; c <= age % 3; c++) {
      calls.add(new LlmToolCall("call_" + age + "_" + c, "read_file", "{\"path\":\"src/File" + c + ".java\"}"));
    }
    turn.add(new LlmMessage("assistant", null, calls, null));
    for (LlmToolCall call : calls) {
      turn.add(new LlmMessage("tool", toolResult, List.of(), call.id()));
    }
    turn.add(LlmMessage.assistant(text(age * 10L + 2, 150)));
    return turn;
  }

  /** What the fitted prompt counts, recounted message by message. */
  private static int recount(List<LlmMessage> messages, TokenCounter counter) {
    PromptTokens tokens = new PromptTokens(counter);
    int total = PromptTokens.REPLY_PRIMING + tokens.tools(TOOLS);
    for (LlmMessage message : messages) {
      total += tokens.message(message);
    }
    return total;
  }

  /** Every kept call has its result after it, every kept result its call before it. */
  private static void assertCallsMeetTheirResults(List<LlmMessage> messages) {
    Set<String> called = new HashSet<>();
    Set<String> answered = new HashSet<>();
    for (LlmMessage message : messages) {
      if (message.role().equals("tool")) {
        assertTrue(called.contains(message.toolCallId()), "an orphaned tool result: " + message.toolCallId());
        answered.add(message.toolCallId());
      }
      message.toolCalls().forEach(call -> called.add(call.id()));
    }
    assertEquals(called, answered, "calls without their results");
  }

  private static List<LlmMessage> notes(List<LlmMessage> messages) {
    return messages.stream().filter(m -> m.role().equals("system") && m.content().startsWith("Earlier history")).toList();
  }

  @Test
  void aLongSessionSendsABoundedPrompt() {
    ContextBudget budget = ContextBudget.forModel(GPT_4O);
    int limit = WINDOW - ContextBudget.answerReserve(WINDOW);

    ContextBudget.Fitted of500 = budget.fit(conversation(500), TOOLS);
    ContextBudget.Fitted of1000 = budget.fit(conversation(1_000), TOOLS);

    for (ContextBudget.Fitted fitted : List.of(of500, of1000)) {
      assertTrue(fitted.promptTokens() <= limit, fitted.promptTokens() + " > " + limit);
      assertEquals(recount(fitted.messages(), EXACT), fitted.promptTokens());
      assertCallsMeetTheirResults(fitted.messages());
    }
    // twice the session, the same recent history: the prompt does not grow with the session
    assertEquals(of500.messages().subList(2, of500.messages().size()), of1000.messages().subList(2, of1000.messages().size()));
    assertTrue(of500.messages().size() < 300, "kept " + of500.messages().size());
    assertTrue(limit - of500.promptTokens() < 1_500, "a turn more would have fitted: " + of500.promptTokens());
  }

  @Test
  void aCallIsNeverSeparatedFromItsResult() {
    List<LlmMessage> context = new ArrayList<>(conversation(200));
    context.add(1, LlmMessage.system("Recalled: the user prefers Maven to Gradle."));
    for (int window = 3_000; window <= 60_000; window += 3_000) {
      ContextBudget.Fitted fitted = new ContextBudget(window, ContextBudget.answerReserve(window), EXACT).fit(context, TOOLS);
      assertCallsMeetTheirResults(fitted.messages());
      assertEquals(context.subList(0, 2), fitted.messages().subList(0, 2), "the leading system messages stay");
      assertEquals("user", fitted.messages().get(3).role(), "the kept history starts at a turn");
    }
  }

  @Test
  void aUserMessageWhileToolsRanDoesNotStartATurn() {
    // with characters as tokens, 260 hold the newest turn, the note and what followed "u2" (about
    // 225 in all), not the whole turn from "u1" (about 300)
    TokenCounter chars = text -> text == null ? 0 : text.length();
    LlmToolCall call = new LlmToolCall("x", "run", "{}");
    List<LlmMessage> context = List.of(
        LlmMessage.system("sys"),
        LlmMessage.user("u1".repeat(100)),
        new LlmMessage("assistant", null, List.of(call), null),
        LlmMessage.user("u2 while the tool runs"),
        new LlmMessage("tool", "result", List.of(), "x"),
        LlmMessage.assistant("answer"),
        LlmMessage.user("u3"),
        LlmMessage.assistant("a3"));

    ContextBudget.Fitted fitted = new ContextBudget(260, 0, chars).fit(context, List.of());

    assertEquals(5, fitted.omittedMessages());
    assertEquals(List.of(context.get(0), ContextBudget.omissionNote(5), context.get(6), context.get(7)), fitted.messages());
  }

  @Test
  void theNoteAppearsOnlyWhenHistoryWasLeftOut() {
    ContextBudget budget = ContextBudget.forModel(GPT_4O);

    List<LlmMessage> short_ = conversation(5);
    ContextBudget.Fitted whole = budget.fit(short_, TOOLS);
    assertEquals(short_, whole.messages());
    assertEquals(0, whole.omittedMessages());
    assertTrue(notes(whole.messages()).isEmpty());

    List<LlmMessage> long_ = conversation(500);
    ContextBudget.Fitted cut = budget.fit(long_, TOOLS);
    int keptHistory = cut.messages().size() - 2;
    assertEquals(long_.size() - 1 - keptHistory, cut.omittedMessages());
    assertEquals(List.of(cut.messages().get(1)), notes(cut.messages()), "one note, right after the agent's prompt");
    assertTrue(cut.messages().get(1).content().contains(" " + cut.omittedMessages() + " oldest messages "),
        cut.messages().get(1).content());
    assertEquals(long_.subList(long_.size() - keptHistory, long_.size()), cut.messages().subList(2, cut.messages().size()));
  }

  @Test
  void theNewestTurnStaysEvenWhenItAloneOverflows() {
    List<LlmMessage> context = new ArrayList<>(conversation(20));
    List<LlmMessage> huge = turn(1_000, text(7, 20_000));
    context.addAll(huge);
    int window = 8_192;

    ContextBudget.Fitted fitted = new ContextBudget(window, ContextBudget.answerReserve(window), EXACT).fit(context, TOOLS);

    List<LlmMessage> expected = new ArrayList<>(List.of(context.get(0), ContextBudget.omissionNote(context.size() - 1 - huge.size())));
    expected.addAll(huge);
    assertEquals(expected, fitted.messages());
    assertEquals(context.size() - 1 - huge.size(), fitted.omittedMessages());
    assertTrue(fitted.promptTokens() > window, "the provider will refuse " + fitted.promptTokens() + " tokens");
  }

  @Test
  void countingStopsOnceTheBudgetIsFull() {
    Set<String> counted = new HashSet<>();
    TokenCounter recording = text -> {
      counted.add(text);
      return EXACT.count(text);
    };
    List<LlmMessage> context = conversation(500);

    ContextBudget.Fitted fitted = new ContextBudget(WINDOW, ContextBudget.answerReserve(WINDOW), recording).fit(context, TOOLS);

    long countedHistory = context.stream().skip(1).filter(m -> m.content() != null && counted.contains(m.content())).count();
    long keptWithText = fitted.messages().stream().skip(2).filter(m -> m.content() != null).count();
    // the kept turns, and at most the one turn that did not fit (a user message, three results, an answer)
    assertTrue(countedHistory <= keptWithText + 5, countedHistory + " messages counted for " + keptWithText + " kept");
    assertFalse(counted.contains(context.get(1).content()), "the oldest turn was tokenized");
  }

  @Test
  void aSessionOfOnlyItsPromptIsSentWhole() {
    List<LlmMessage> context = List.of(LlmMessage.system(SYSTEM_PROMPT));
    ContextBudget.Fitted fitted = ContextBudget.forModel(GPT_4O).fit(context, List.of());
    assertEquals(context, fitted.messages());
    assertEquals(0, fitted.omittedMessages());
    assertEquals(recount(context, EXACT) - new PromptTokens(EXACT).tools(TOOLS), fitted.promptTokens());
  }

  @Test
  void theAnswerKeepsAQuarterOfTheWindowAtMost4096Tokens() {
    assertEquals(1_024, ContextBudget.answerReserve(4_096));
    assertEquals(2_048, ContextBudget.answerReserve(8_192));
    assertEquals(4_096, ContextBudget.answerReserve(32_768));
    assertEquals(4_096, ContextBudget.answerReserve(128_000));
    assertThrows(IllegalArgumentException.class, () -> new ContextBudget(1_000, 1_000, EXACT));
    assertNotNull(ContextBudget.forModel(new ModelInfo("scripted", "openai", 8_192)));
  }

  @Test
  void theNoteNamesOneMessageInTheSingular() {
    assertTrue(ContextBudget.omissionNote(1).content().contains(" 1 oldest message "));
    assertSame("system", ContextBudget.omissionNote(3).role());
  }
}
