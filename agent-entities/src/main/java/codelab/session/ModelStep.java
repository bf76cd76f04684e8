package codelab.session;

import codelab.llm.LlmToolCall;
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
  private int deltaCount;
  private final StringBuilder text = new StringBuilder();
  private final UniqueKillSwitch killSwitch;
  Session.Usage usage;
  List<LlmToolCall> toolCalls = List.of();
  /** What the call was sent: how many messages, and how many older ones were left out to fit the model's window. */
  final int contextMessages;
  final int omittedMessages;
  /** When the call started, and the model that answers it: for the time to its first token. */
  final long startedNanos = System.nanoTime();
  final String model;
  private boolean answered;

  ModelStep(String turnId, int firstIndex, UniqueKillSwitch killSwitch, int contextMessages, int omittedMessages, String model) {
    this.turnId = turnId;
    this.model = model;
    this.firstIndex = firstIndex;
    this.killSwitch = killSwitch;
    this.contextMessages = contextMessages;
    this.omittedMessages = omittedMessages;
  }

  SessionUpdate.AssistantDelta append(String token) {
    if (!answered) {
      answered = true;
      SessionMeters.firstToken(model, startedNanos);
    }
    SessionMeters.tokenRelayed();
    SessionUpdate.AssistantDelta delta = new SessionUpdate.AssistantDelta(turnId, firstIndex + deltaCount, token);
    deltaCount++;
    text.append(token);
    return delta;
  }

  int deltaCount() {
    return deltaCount;
  }

  String text() {
    return text.toString();
  }

  /**
   * The partial text so far as one delta: a client that joins mid-turn gets it in one message, not
   * one per token (at the model's full pace, replaying token by token could overflow its buffer
   * again on every reconnect, and it would never catch up).
   */
  List<SessionUpdate> deltasSoFar() {
    if (deltaCount == 0) return List.of();
    return List.of(new SessionUpdate.AssistantDelta(turnId, firstIndex, text.toString(), deltaCount));
  }

  void cancel() {
    killSwitch.shutdown();
  }
}
