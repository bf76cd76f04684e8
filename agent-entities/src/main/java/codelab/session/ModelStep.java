package codelab.session;

import codelab.llm.LlmToolCall;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * One model call of a running turn, as long as its stream runs: the deltas relayed so far (a
 * subscriber that joins mid-turn gets them first), the usage and tool calls the model reported,
 * and the switch that cancels the stream. Lives only in memory; the outcome is what gets persisted.
 */
final class ModelStep {

  final String turnId;
  /** Deltas of a turn are numbered across its model calls: this call's first delta continues the count. */
  private final int firstIndex;
  private final List<String> tokens = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();
  private final UniqueKillSwitch killSwitch;
  Session.Usage usage;
  List<LlmToolCall> toolCalls = List.of();

  ModelStep(String turnId, int firstIndex, UniqueKillSwitch killSwitch) {
    this.turnId = turnId;
    this.firstIndex = firstIndex;
    this.killSwitch = killSwitch;
  }

  SessionUpdate.AssistantDelta append(String token) {
    SessionUpdate.AssistantDelta delta = new SessionUpdate.AssistantDelta(turnId, firstIndex + tokens.size(), token);
    tokens.add(token);
    text.append(token);
    return delta;
  }

  int deltaCount() {
    return tokens.size();
  }

  String text() {
    return text.toString();
  }

  List<SessionUpdate> deltasSoFar() {
    List<SessionUpdate> deltas = new ArrayList<>(tokens.size());
    for (int i = 0; i < tokens.size(); i++) deltas.add(new SessionUpdate.AssistantDelta(turnId, firstIndex + i, tokens.get(i)));
    return deltas;
  }

  void cancel() {
    killSwitch.shutdown();
  }
}
