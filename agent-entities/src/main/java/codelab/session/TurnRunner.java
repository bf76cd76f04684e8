package codelab.session;

import codelab.agent.AgentProfile;
import codelab.agent.IdeTool;
import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmException;
import codelab.llm.LlmRequest;
import codelab.llm.LlmToolCall;
import codelab.session.Session.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * Runs a session's turns on the node that holds it: starts and cancels the model call of the
 * running turn, paces its stream (the stream waits for an ack per element, so a slow entity slows
 * the model down rather than filling its mailbox), and says which events a call's end, a step
 * limit or a turn lost with its node lead to. The entity persists them; only the model call lives here.
 */
final class TurnRunner {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorContext<Session.Command> context;
  private final LlmClient llm;
  private final Session.Settings settings;
  private final Clock clock;
  /** The model call of the running turn, while its stream runs on this node. */
  private ModelStep step;

  TurnRunner(ActorContext<Session.Command> context, LlmClient llm, Session.Settings settings, Clock clock) {
    this.context = context;
    this.llm = llm;
    this.settings = settings;
    this.clock = clock;
  }

  /** No model call runs on this node. */
  boolean isIdle() {
    return step == null;
  }

  /** The running model call's deltas so far, for a subscriber that joins mid-turn. */
  List<SessionUpdate> deltasSoFar() {
    return step == null ? List.of() : step.deltasSoFar();
  }

  /** Starts the model call the state's turn needs, unless one runs or the turn waits for its tools. */
  void continueTurn(SessionState state) {
    if (state.hasRunningTurn() && !state.turn().waitsForTools() && step == null) start(state);
  }

  private void start(SessionState state) {
    SessionState.Turn turn = state.turn();
    AgentProfile agent = AgentProfile.ofType(state.currentAgent()).orElse(AgentProfile.DEFAULT);
    LlmRequest request = new LlmRequest(ModelContext.of(agent, state.messages()), agent.toolDefinitions());
    String turnId = turn.turnId();
    UniqueKillSwitch killSwitch =
        llm.stream(request)
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(
                ActorSink.<LlmEvent, Session.Command, Session.ModelAck>actorRefWithBackpressure(
                    context.getSelf(),
                    (ackTo, event) -> new Session.ModelOutput(turnId, event, ackTo),
                    ackTo -> new Session.ModelStreamStarted(turnId, ackTo),
                    Session.ModelAck.INSTANCE,
                    new Session.ModelStreamEnded(turnId),
                    failure -> new Session.ModelStreamFailed(turnId, describe(failure))),
                Keep.left())
            .run(context.getSystem());
    step = new ModelStep(turnId, turn.deltaCount(), killSwitch);
  }

  void cancel() {
    if (step != null) step.cancel();
    step = null;
  }

  void streamStarted(Session.ModelStreamStarted started) {
    if (isCurrent(started.turnId())) started.ackTo().tell(Session.ModelAck.INSTANCE);
  }

  /** Takes in one element of the model's stream; a text delta is returned for the subscribers. */
  Optional<SessionUpdate> output(Session.ModelOutput output) {
    if (!isCurrent(output.turnId())) return Optional.empty();
    Optional<SessionUpdate> delta = Optional.empty();
    LlmEvent event = output.event();
    if (event instanceof LlmEvent.TextDelta text && !text.text().isEmpty()) {
      delta = Optional.of(step.append(text.text()));
    } else if (event instanceof LlmEvent.Usage usage) {
      step.usage = new Session.Usage(usage.promptTokens(), usage.completionTokens());
    } else if (event instanceof LlmEvent.ToolCallsRequested calls) {
      step.toolCalls = calls.calls();
    }
    output.ackTo().tell(Session.ModelAck.INSTANCE);
    return delta;
  }

  /** The model call ended: its answer ends the turn, or its tool calls go to the IDE (or first to a human). */
  List<Event> streamEnded(SessionState state, Session.ModelStreamEnded ended) {
    if (!isCurrent(ended.turnId()) || !state.hasRunningTurn()) return List.of();
    ModelStep finished = step;
    step = null;
    SessionState.Turn turn = state.turn();
    List<Event> events = new ArrayList<>();
    if (finished.toolCalls.isEmpty()) {
      events.add(new Session.AssistantReplied(turn.turnId(), turn.text() + finished.text(), finished.usage, now()));
      return thenNextQueued(state, events, new Session.TurnCompleted(turn.turnId(), now()));
    }
    AgentProfile agent = AgentProfile.ofType(state.currentAgent()).orElse(AgentProfile.DEFAULT);
    int stepNumber = turn.step() + 1;
    for (LlmToolCall requested : finished.toolCalls) {
      Session.ToolCall call = new Session.ToolCall(UUID.randomUUID().toString(), requested.id(), requested.name(), requested.argumentsJson());
      boolean offered = agent.tools().stream().anyMatch(t -> t.toolName().equals(requested.name()));
      boolean valid = offered && isJsonObject(requested.argumentsJson());
      boolean needsApproval = valid && agent.requiresApproval(requested.name());
      events.add(new Session.ToolCallRequested(turn.turnId(), stepNumber, call, needsApproval, finished.text(), finished.deltaCount(), now()));
      if (!valid) {
        // the model gets an error to correct itself; nothing is sent for the IDE to run
        String error = offered ? "the arguments are not a JSON object" : "there is no tool named '" + requested.name() + "'";
        events.add(new Session.ToolResultRecorded(call.callId(), null, error, null, now()));
      } else if (needsApproval) {
        String reason = IdeTool.named(requested.name()).map(IdeTool::approvalReason).orElse(requested.name() + " needs your approval");
        events.add(new Session.ApprovalRequested(turn.turnId(), call.callId(), call.toolName(), call.argumentsJson(), reason,
            now().plus(settings.approvalTimeout()), now()));
      }
    }
    return continueOrStop(state, events);
  }

  List<Event> streamFailed(SessionState state, Session.ModelStreamFailed failed) {
    if (!isCurrent(failed.turnId())) return List.of();
    step = null;
    return thenNextQueued(state, new ArrayList<>(), new Session.TurnFailed(state.turn().turnId(), failed.error(), now()));
  }

  /** A turn found in a model call on recovery lost that call with the node that ran it: run it again, a few times. */
  List<Event> interrupted(SessionState state, Session.InterruptedTurnFound found) {
    if (!state.hasRunningTurn() || !state.turn().turnId().equals(found.turnId()) || step != null || state.turn().waitsForTools()) {
      return List.of();
    }
    int attempt = state.turn().attempt();
    if (attempt < settings.maxTurnAttempts()) {
      return List.of(
          new Session.TurnFailed(found.turnId(), "the node running this turn stopped; running it again", now()),
          new Session.TurnStarted(newTurnId(), attempt + 1, now()));
    }
    return thenNextQueued(state, new ArrayList<>(),
        new Session.TurnFailed(found.turnId(), "the node running this turn stopped " + attempt + " times; giving up", now()));
  }

  /** Cancelling stops the model call, rejects the turn's waiting approvals, and ends the turn. */
  List<Event> cancelTurn(SessionState state, String operationId) {
    cancel();
    List<Event> events = new ArrayList<>();
    for (SessionState.PendingCall pending : state.turn().pending()) {
      if (pending.awaitingApproval()) {
        events.add(new Session.ApprovalResolved(pending.call().callId(), ApprovalDecision.REJECT, null, "the turn was cancelled", null, now()));
      }
    }
    return thenNextQueued(state, events, new Session.TurnCancelled(state.turn().turnId(), operationId, now()));
  }

  /** A first turn for a message, when none runs; a message that arrives while one runs waits in the queue. */
  Optional<Event> startFor(SessionState state) {
    return state.hasRunningTurn() ? Optional.empty() : Optional.of(new Session.TurnStarted(newTurnId(), 1, now()));
  }

  /**
   * After answers that leave no call waiting, the turn goes on with its next model call, unless it
   * has used up its steps: then it fails, and a queued message starts its own turn.
   */
  List<Event> continueOrStop(SessionState state, List<Event> events) {
    if (events.isEmpty()) return events;
    SessionState after = state;
    for (Event event : events) after = after.apply(event);
    if (after.hasRunningTurn() && !after.turn().waitsForTools() && after.turn().step() >= settings.maxSteps()) {
      String error = "the turn reached its limit of " + settings.maxSteps() + " model calls";
      return thenNextQueued(after, new ArrayList<>(events), new Session.TurnFailed(after.turn().turnId(), error, now()));
    }
    return events;
  }

  /** {@code events}, then the event that ends the turn, then the next queued message's turn if one waits. */
  private List<Event> thenNextQueued(SessionState state, List<Event> events, Event end) {
    events.add(end);
    if (!state.queue().isEmpty()) events.add(new Session.TurnStarted(newTurnId(), 1, now()));
    return events;
  }

  private boolean isCurrent(String turnId) {
    return step != null && step.turnId.equals(turnId);
  }

  static boolean isJsonObject(String json) {
    if (json == null) return false;
    try {
      JsonNode node = JSON.readTree(json);
      return node != null && node.isObject();
    } catch (Exception e) {
      return false;
    }
  }

  private static String describe(Throwable failure) {
    if (failure instanceof LlmException) return failure.getMessage();
    return "the model call failed: " + failure.getClass().getSimpleName();
  }

  private Instant now() {
    return clock.instant();
  }

  private static String newTurnId() {
    return UUID.randomUUID().toString();
  }
}
