package codelab.session;

import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A model for entity tests: each call takes the next prepared answer (by default a two-token reply),
 * and every request is kept so that a test can look at the context the session built.
 */
final class FakeModel implements LlmClient {

  final List<LlmRequest> requests = java.util.Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<Source<LlmEvent, NotUsed>> answers = new ConcurrentLinkedQueue<>();

  static Source<LlmEvent, NotUsed> reply(String... tokens) {
    List<LlmEvent> events = new ArrayList<>();
    for (String token : tokens) events.add(new LlmEvent.TextDelta(token));
    events.add(new LlmEvent.Usage(7, tokens.length));
    events.add(new LlmEvent.Completed("stop"));
    return Source.from(events);
  }

  /** An answer that asks for tools: {@code name:argumentsJson} pairs. */
  static Source<LlmEvent, NotUsed> toolCalls(String... calls) {
    List<codelab.llm.LlmToolCall> requested = new ArrayList<>();
    for (int i = 0; i < calls.length; i++) {
      String[] nameAndArguments = calls[i].split(":", 2);
      requested.add(new codelab.llm.LlmToolCall("provider-" + i + "-" + System.nanoTime(), nameAndArguments[0], nameAndArguments[1]));
    }
    return Source.from(List.of(new LlmEvent.ToolCallsRequested(requested), new LlmEvent.Completed("tool_calls")));
  }

  FakeModel thenAnswer(Source<LlmEvent, NotUsed> answer) {
    answers.add(answer);
    return this;
  }

  @Override
  public Source<LlmEvent, NotUsed> stream(LlmRequest request) {
    requests.add(request);
    Source<LlmEvent, NotUsed> next = answers.poll();
    return next != null ? next : reply("Hello", " there");
  }
}
