package codelab.session;

import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmException;
import codelab.llm.LlmMessage;
import codelab.llm.LlmRequest;
import codelab.llm.LlmToolCall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A model for plan tests that answers by what it is asked, as parallel task sessions need (a queue
 * of answers would be taken in a racy order): the orchestrator, offered create_plan, proposes {@link
 * #plan}; a call that gets tool results sums them up; a task answers "done: <its first line>",
 * fails when its instructions say FAIL, asks to write a file when they say WRITE, and never ends
 * when they say HANG (until cancelled).
 */
final class PlanModel implements LlmClient {

  final List<LlmRequest> requests = Collections.synchronizedList(new ArrayList<>());
  volatile String plan;

  PlanModel(String plan) {
    this.plan = plan;
  }

  @Override
  public Source<LlmEvent, NotUsed> stream(LlmRequest request) {
    requests.add(request);
    LlmMessage last = request.messages().get(request.messages().size() - 1);
    boolean orchestrator = request.tools().stream().anyMatch(t -> t.name().equals(PlanDraft.TOOL));
    if (last.role().equals("tool")) return FakeModel.reply("Summary: " + last.content());
    if (orchestrator) return call(PlanDraft.TOOL, plan);
    String firstLine = last.content().lines().findFirst().orElse("");
    if (firstLine.contains("FAIL")) return Source.failed(new LlmException("the model failed on purpose"));
    if (firstLine.contains("HANG")) return Source.<LlmEvent>maybe().mapMaterializedValue(m -> NotUsed.getInstance());
    if (firstLine.contains("WRITE")) return call("write_file", "{\"path\":\"out.txt\",\"content\":\"x\"}");
    return FakeModel.reply("done: " + firstLine);
  }

  /** The requests of task sessions whose message starts with {@code firstLine}. */
  List<LlmRequest> taskRequests(String firstLine) {
    synchronized (requests) {
      return requests.stream().filter(r -> r.messages().stream().anyMatch(m -> m.role().equals("user") && m.content().startsWith(firstLine))).toList();
    }
  }

  private static Source<LlmEvent, NotUsed> call(String name, String arguments) {
    return Source.from(List.of(
        new LlmEvent.ToolCallsRequested(List.of(new LlmToolCall("provider-" + System.nanoTime(), name, arguments))),
        new LlmEvent.Completed("tool_calls")));
  }
}
