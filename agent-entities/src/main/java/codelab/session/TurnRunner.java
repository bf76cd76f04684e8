package codelab.session;

import codelab.agent.Agent;
import codelab.agent.AgentConfiguration;
import codelab.agent.AgentError;
import codelab.agent.AgentProfile;
import codelab.agent.Agents;
import codelab.agent.memory.AgentMemories;
import codelab.agent.IdeTool;
import codelab.agent.StarterTeam;
import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmException;
import codelab.llm.LlmRequest;
import codelab.llm.LlmTool;
import codelab.llm.LlmToolCall;
import codelab.llm.ModelCatalog;
import codelab.Refusal;
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
 *
 * <p>A turn starts with a question to its agent: which version answers (a new turn: the current one,
 * recorded in {@link Session.TurnStarted}; a turn that goes on after a recovery: the one it started
 * with). The answer is kept for the turn's later model calls while the session stays on this node.
 */
final class TurnRunner {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorContext<Session.Command> context;
  private final LlmClient llm;
  private final Agents agents;
  private final ModelCatalog models;
  private final AgentMemories memories;
  private final Session.Settings settings;
  private final Clock clock;
  /** The model call of the running turn, while its stream runs on this node. */
  private ModelStep step;
  /** The agent version of the running turn, once known on this node. */
  private TurnAgent agent;
  /** An agent is being asked (for the turn named, or for a new turn when the name is empty). */
  private Optional<String> asking = Optional.empty();

  /** Memories are being recalled for the turn named. */
  private Optional<String> recalling = Optional.empty();

  /** Which agent version answers turn {@code turnId}, and (null until recalled) what it remembers for it. */
  private record TurnAgent(String turnId, String agentId, AgentConfiguration configuration, List<String> memories) {
    boolean needsRecall() {
      return configuration.memoryEnabled() && agentId != null && memories == null;
    }

    TurnAgent withMemories(List<String> recalled) {
      return new TurnAgent(turnId, agentId, configuration, recalled);
    }
  }

  private static final java.security.SecureRandom SPANS = new java.security.SecureRandom();
  private String traceId;

  TurnRunner(
      ActorContext<Session.Command> context, LlmClient llm, ModelCatalog models, Agents agents, AgentMemories memories,
      Session.Settings settings, Clock clock) {
    this.context = context;
    this.llm = llm;
    this.models = models;
    this.memories = memories;
    this.agents = agents;
    this.settings = settings;
    this.clock = clock;
  }

  /** No model call runs on this node, and no agent is being asked for one. */
  boolean isIdle() {
    return step == null && asking.isEmpty() && recalling.isEmpty();
  }

  /** The running model call's deltas so far, for a subscriber that joins mid-turn. */
  List<SessionUpdate> deltasSoFar() {
    return step == null ? List.of() : step.deltasSoFar();
  }

  /**
   * Starts what the state needs next: the model call of a turn that does not wait for its tools
   * (once its agent version is known here), or, when no turn runs and a message waits, the question
   * to the agent that starts its turn.
   */
  void continueTurn(SessionState state) {
    if (asking.isPresent() || recalling.isPresent()) return;
    if (!state.hasRunningTurn()) {
      if (!state.queue().isEmpty()) ask(state, agentFor(state, state.queue().get(0)), null, "");
      return;
    }
    SessionState.Turn turn = state.turn();
    if (turn.waitsForTools() || step != null) return;
    if (agent != null && agent.turnId().equals(turn.turnId())) {
      if (agent.needsRecall()) recall(state, agent);
      else start(state, agent.configuration(), agent.memories());
    } else if (turn.agentId() == null) {
      // a turn from before agents were entities answers with its role's template, as it began
      start(state, AgentProfile.ofType(state.currentAgent()).orElse(AgentProfile.DEFAULT).template(), null);
    } else {
      ask(state, turn.agentId(), turn.agentVersion(), turn.turnId());
    }
  }

  /** An orchestrated message is the project's orchestrator's to answer (it plans); any other, the session's agent's. */
  private static String agentFor(SessionState state, SessionState.QueuedMessage message) {
    return message.orchestrated() ? StarterTeam.agentId(state.projectId(), AgentProfile.ORCHESTRATOR) : state.agentId();
  }

  private void ask(SessionState state, String agentId, Integer version, String turnId) {
    asking = Optional.of(turnId);
    context.askWithStatus(
        Agent.ForTurn.class,
        agents.agent(agentId),
        settings.agentTimeout(),
        replyTo -> new Agent.GetForTurn(state.ownerId(), state.projectId(), version, replyTo),
        (found, failure) -> new Session.AgentAnswered(turnId, found, failure == null ? null : agentProblem(failure)));
  }

  /**
   * The agent answered: a new turn starts with its current version (or starts and fails at once when
   * the agent is gone, so that the message gets a visible answer); a turn going on starts its next
   * model call with the version it began with.
   */
  List<Event> agentAnswered(SessionState state, Session.AgentAnswered answered) {
    if (asking.isEmpty() || !asking.get().equals(answered.turnId())) return List.of();
    asking = Optional.empty();
    if (answered.turnId().isEmpty()) {
      if (state.hasRunningTurn() || state.queue().isEmpty()) return List.of();
      String turnId = newTurnId();
      if (answered.agent() == null) {
        List<Event> events = new ArrayList<>(List.of(new Session.TurnStarted(turnId, 1, state.agentId(), null, null, now())));
        return ended(events, new Session.TurnFailed(turnId, answered.problem(), now()));
      }
      Agent.ForTurn found = answered.agent();
      agent = new TurnAgent(turnId, found.agentId(), found.configuration(), null);
      // the model that answers, by name: a version that names none follows the node's default, which may change later
      String model = models.resolve(found.configuration().model()).name();
      boolean orchestrated = state.queue().get(0).orchestrated();
      Session.TurnStarted started = new Session.TurnStarted(turnId, 1, found.agentId(), found.version(), model, orchestrated, now());
      // the model call starts while TurnStarted is written: its stream's first elements wait (stashed) until
      // the write is done, so clients still see turn_started first, and the turn's start costs no extra write
      continueTurn(state.apply(started));
      return List.of(started);
    }
    if (!state.hasRunningTurn() || !state.turn().turnId().equals(answered.turnId())) return List.of();
    if (answered.agent() == null) return ended(new ArrayList<>(), new Session.TurnFailed(answered.turnId(), answered.problem(), now()));
    agent = new TurnAgent(answered.turnId(), answered.agent().agentId(), answered.agent().configuration(), null);
    continueTurn(state);
    return List.of();
  }

  /**
   * The agent's memories most like the turn's message, for its context. A recall that fails leaves
   * the turn without memories rather than failing it: remembering is a help, not the answer.
   */
  private void recall(SessionState state, TurnAgent turnAgent) {
    String turnId = turnAgent.turnId();
    recalling = Optional.of(turnId);
    String query = state.messages().stream()
        .filter(m -> m.role() == MessageRole.USER && turnId.equals(m.turnId()))
        .reduce((first, second) -> second).map(SessionState.ChatMessage::content).orElse("");
    context.pipeToSelf(
        memories.search(turnAgent.agentId(), query, settings.recallLimit(), settings.recallMinScore()),
        (recalled, failure) -> {
          if (failure != null) context.getLog().warn("Recalling memories for turn {} failed; it goes on without: {}", turnId, failure.toString());
          List<String> texts = recalled == null ? List.of() : recalled.stream().map(r -> r.memory().text()).toList();
          return new Session.MemoriesRecalled(turnId, texts);
        });
  }

  void memoriesRecalled(SessionState state, Session.MemoriesRecalled recalled) {
    if (recalling.isEmpty() || !recalling.get().equals(recalled.turnId())) return;
    recalling = Optional.empty();
    if (agent != null && agent.turnId().equals(recalled.turnId())) agent = agent.withMemories(recalled.memories());
    continueTurn(state);
  }

  private static String agentProblem(Throwable failure) {
    Optional<AgentError> refusal = Refusal.reason(failure).flatMap(AgentError::ofMessage);
    if (refusal.isPresent() && refusal.get() == AgentError.ARCHIVED) return "the session's agent is archived; switch to another agent";
    if (refusal.isPresent()) return "the session's agent cannot answer: " + refusal.get().message();
    return "the session's agent did not answer in time; send the message again";
  }

  private void start(SessionState state, AgentConfiguration configuration, List<String> remembered) {
    SessionState.Turn turn = state.turn();
    // the prompt fits the model's window: the oldest turns go first (ContextBudget)
    List<LlmTool> tools = new ArrayList<>(configuration.toolDefinitions());
    if (turn.orchestrated()) tools.add(PlanDraft.DEFINITION);
    ContextBudget.Fitted prompt = ContextBudget.forModel(models.resolve(turn.model()))
        .fit(ModelContext.of(configuration.systemPrompt(), remembered, state.messages()), tools);
    LlmRequest request = new LlmRequest(prompt.messages(), tools, turn.model(), traceparent());
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
    step = new ModelStep(turnId, turn.deltaCount(), killSwitch, prompt.messages().size(), prompt.omittedMessages(), turn.model());
    SessionMeters.modelCallStarted(turn.model());
  }

  /**
   * The trace of the latest message's request (its W3C trace id): the session's next model calls
   * carry it to the provider. In memory only: a turn re-run after a crash starts a trace of its own.
   */
  void traceWith(String traceId) {
    this.traceId = traceId;
  }

  /** A W3C traceparent for a model call: the trace's id, a new span's. */
  private String traceparent() {
    if (traceId == null) return null;
    return "00-" + traceId + "-" + java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8).putLong(SPANS.nextLong()).array()) + "-01";
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
      String answer = turn.text() + finished.text();
      events.add(new Session.AssistantReplied(
          turn.turnId(), answer, finished.usage, finished.contextMessages, finished.omittedMessages, now()));
      if (agent != null && agent.turnId().equals(turn.turnId()) && agent.configuration().memoryEnabled() && agent.agentId() != null) {
        events.add(new Session.TurnRemembered(turn.turnId(), agent.agentId(), ModelContext.memoryOf(state, turn.turnId(), answer), now()));
      }
      return ended(events, new Session.TurnCompleted(turn.turnId(), now()));
    }
    AgentConfiguration policy = agent.configuration();
    int stepNumber = turn.step() + 1;
    for (LlmToolCall requested : finished.toolCalls) {
      Session.ToolCall call = new Session.ToolCall(UUID.randomUUID().toString(), requested.id(), requested.name(), requested.argumentsJson());
      if (turn.orchestrated() && PlanDraft.isPlan(requested.name())) {
        events.addAll(planProposed(state.applyAll(events), call, stepNumber, finished));
        continue;
      }
      boolean offered = policy.offers(requested.name());
      boolean valid = offered && isJsonObject(requested.argumentsJson());
      boolean needsApproval = valid && policy.requiresApproval(requested.name());
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

  /**
   * The orchestrator's plan: a plan that does not read goes back to the model as the call's error;
   * one that does waits for a person (by default) or starts at once.
   */
  private List<Event> planProposed(SessionState state, Session.ToolCall call, int stepNumber, ModelStep finished) {
    String turnId = state.turn().turnId();
    PlanDraft.Read read = stepNumber >= settings.maxSteps()
        // the plan's results would come back to a turn with no model call left to sum them up
        ? new PlanDraft.Read(List.of(), List.of("this turn has no model call left to sum up a plan (" + settings.maxSteps() + " at most)"))
        : PlanDraft.read(call.argumentsJson(), state.projectId(), settings.plans().maxTasks());
    boolean needsApproval = read.isValid() && settings.plans().requireApproval();
    List<Event> events = new ArrayList<>();
    events.add(new Session.ToolCallRequested(turnId, stepNumber, call, needsApproval, finished.text(), finished.deltaCount(), now()));
    if (!read.isValid()) {
      events.add(new Session.ToolResultRecorded(call.callId(), null, "the plan was not created: " + String.join("; ", read.problems()), null, now()));
    } else if (needsApproval) {
      String reason = "the orchestrator proposes a plan of " + read.tasks().size() + " task" + (read.tasks().size() == 1 ? "" : "s")
          + "; approve it to run them";
      events.add(new Session.ApprovalRequested(turnId, call.callId(), call.toolName(), call.argumentsJson(), reason,
          now().plus(settings.approvalTimeout()), now()));
    } else {
      SessionState requested = state.applyAll(events);
      events.add(PlanSteps.started(requested, call.callId(), call.argumentsJson(), now()));
    }
    return events;
  }

  List<Event> streamFailed(SessionState state, Session.ModelStreamFailed failed) {
    if (!isCurrent(failed.turnId())) return List.of();
    SessionMeters.modelFailed(step.model, failed.error());
    step = null;
    return ended(new ArrayList<>(), new Session.TurnFailed(state.turn().turnId(), failed.error(), now()));
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
          new Session.TurnStarted(
              newTurnId(), attempt + 1, state.turn().agentId(), state.turn().agentVersion(), state.turn().model(), state.turn().orchestrated(), now()));
    }
    return ended(new ArrayList<>(),
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
    events.addAll(PlanSteps.cancelled(state, now()));
    return ended(events, new Session.TurnCancelled(state.turn().turnId(), operationId, now()));
  }

  /**
   * After answers that leave no call waiting, the turn goes on with its next model call, unless it
   * has used up its steps: then it fails, and a queued message starts its own turn.
   */
  List<Event> continueOrStop(SessionState state, List<Event> answers) {
    if (answers.isEmpty()) return answers;
    // what the answers mean for the plans (a plan approved, a task ended) is decided in the same write
    List<Event> events = new ArrayList<>(answers);
    events.addAll(PlanSteps.next(state.applyAll(answers), settings.plans(), now()));
    SessionState after = state.applyAll(events);
    if (after.hasRunningTurn() && !after.turn().waitsForTools() && after.turn().step() >= settings.maxSteps()) {
      String error = "the turn reached its limit of " + settings.maxSteps() + " model calls";
      return ended(new ArrayList<>(events), new Session.TurnFailed(after.turn().turnId(), error, now()));
    }
    return events;
  }

  /** {@code events}, then the event that ends the turn; a queued message's turn begins once they are persisted ({@link #continueTurn}). */
  private static List<Event> ended(List<Event> events, Event end) {
    events.add(end);
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
