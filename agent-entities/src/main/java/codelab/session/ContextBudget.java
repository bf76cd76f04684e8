package codelab.session;

import codelab.llm.LlmMessage;
import codelab.llm.LlmTool;
import codelab.llm.LlmToolCall;
import codelab.llm.ModelInfo;
import codelab.llm.PromptTokens;
import codelab.llm.TokenCounter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fits the context of a model call into the model's window, so that a session of any length sends
 * a bounded prompt.
 *
 * <p>The leading system messages (the agent's prompt, recalled memories) always stay. The history
 * after them goes by whole turns, oldest first: a turn starts at a user message and holds what
 * followed it, so an assistant message asking for tools and the tool messages answering it go
 * together or not at all. When anything went, a system message right after the leading ones tells
 * the model how many earlier messages were left out.
 *
 * <p>The newest turn always stays, even when it alone does not fit (a tool result of a megabyte):
 * the provider then refuses the prompt, and the turn fails with that reason, which is clearer than
 * a model answering a question it was never shown.
 *
 * <p>Cost stays bounded: the history is counted from the newest message backwards and counting
 * stops at the first turn that does not fit, so a 500-turn session tokenizes the turns that go in
 * and one more, not 500.
 */
public final class ContextBudget {

  /**
   * The context to send: {@code omittedMessages} of the history were left out (then
   * {@code messages} holds the note saying so), and {@code promptTokens} is what the whole prompt
   * counts, tool definitions and the reply's priming included.
   */
  public record Fitted(List<LlmMessage> messages, int omittedMessages, int promptTokens) {
    public Fitted {
      messages = List.copyOf(messages);
    }
  }

  // Most answers of a coding agent (an explanation, a file's edit, a handful of tool calls) stay
  // well under 4,096 tokens, the cap many providers used to set on an answer; a small window
  // keeps three quarters for the prompt, or there would be nothing to answer.
  private static final int MAX_ANSWER_RESERVE = 4_096;
  private static final int ANSWER_SHARE_DIVISOR = 4;

  private final int contextWindow;
  private final int answerReserve;
  private final PromptTokens tokens;

  /**
   * @param contextWindow the model's window, prompt and answer together
   * @param answerReserve the tokens kept free for the answer
   */
  public ContextBudget(int contextWindow, int answerReserve, TokenCounter counter) {
    if (contextWindow <= 0 || answerReserve < 0 || answerReserve >= contextWindow) {
      throw new IllegalArgumentException("a context window of " + contextWindow
          + " tokens cannot keep " + answerReserve + " for the answer");
    }
    this.contextWindow = contextWindow;
    this.answerReserve = answerReserve;
    this.tokens = new PromptTokens(counter);
  }

  /** The budget for a model: its window, its {@link #answerReserve(int) reserve}, its counter. */
  public static ContextBudget forModel(ModelInfo model) {
    return new ContextBudget(model.contextWindow(), answerReserve(model.contextWindow()), TokenCounter.forModel(model));
  }

  /** The tokens kept free for the answer: a quarter of the window, at most 4,096. */
  public static int answerReserve(int contextWindow) {
    return Math.min(MAX_ANSWER_RESERVE, contextWindow / ANSWER_SHARE_DIVISOR);
  }

  /**
   * The context that fits.
   *
   * @param context the leading system messages, then the history, oldest first
   * @param tools the tools offered with the call, which take their share of the window
   */
  public Fitted fit(List<LlmMessage> context, List<LlmTool> tools) {
    int limit = contextWindow - answerReserve;
    int lead = leadingSystemMessages(context);
    int used = PromptTokens.REPLY_PRIMING + tokens.tools(tools);
    for (LlmMessage message : context.subList(0, lead)) {
      used += tokens.message(message);
    }

    // Kept turns, newest first: where each starts, and what it counts.
    List<Integer> starts = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    Set<String> resultsWithoutCall = new HashSet<>();
    int walked = 0;
    for (int i = context.size() - 1; i >= lead; i--) {
      LlmMessage message = context.get(i);
      walked += tokens.message(message);
      if (!starts.isEmpty() && used + walked > limit) {
        break;
      }
      pairToolCalls(message, resultsWithoutCall);
      if (i == lead || ("user".equals(message.role()) && resultsWithoutCall.isEmpty())) {
        starts.add(i);
        counts.add(walked);
        used += walked;
        walked = 0;
      }
    }

    int keptFrom = starts.isEmpty() ? context.size() : starts.get(starts.size() - 1);
    int noteTokens = 0;
    while (keptFrom > lead) {
      noteTokens = tokens.message(omissionNote(keptFrom - lead));
      if (used + noteTokens <= limit || starts.size() == 1) {
        break;
      }
      // The note itself did not fit: the oldest kept turn makes room for it.
      starts.remove(starts.size() - 1);
      used -= counts.remove(counts.size() - 1);
      keptFrom = starts.get(starts.size() - 1);
    }

    int omitted = keptFrom - lead;
    List<LlmMessage> messages = new ArrayList<>(context.subList(0, lead));
    if (omitted > 0) {
      messages.add(omissionNote(omitted));
    }
    messages.addAll(context.subList(keptFrom, context.size()));
    return new Fitted(messages, omitted, used + noteTokens);
  }

  /** The system message that tells the model its history was cut. */
  static LlmMessage omissionNote(int omittedMessages) {
    return LlmMessage.system("Earlier history was left out: the " + omittedMessages + " oldest "
        + (omittedMessages == 1 ? "message" : "messages")
        + " of this conversation did not fit your context window. What follows is the recent part.");
  }

  private static int leadingSystemMessages(List<LlmMessage> context) {
    int lead = 0;
    while (lead < context.size() && "system".equals(context.get(lead).role())) {
      lead++;
    }
    return lead;
  }

  /**
   * Walking backwards, a tool message comes before the call it answers: a user message starts a
   * turn only when every result seen so far has met its call, so a user message that arrived
   * while tools ran cannot cut a call from its result.
   */
  private static void pairToolCalls(LlmMessage message, Set<String> resultsWithoutCall) {
    if ("tool".equals(message.role()) && message.toolCallId() != null) {
      resultsWithoutCall.add(message.toolCallId());
    }
    for (LlmToolCall call : message.toolCalls()) {
      resultsWithoutCall.remove(call.id());
    }
  }
}
