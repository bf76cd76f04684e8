package codelab.session;

import codelab.JsonSerializable;
import codelab.agent.AgentProfile;
import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.LlmException;
import codelab.llm.LlmMessage;
import codelab.llm.LlmRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * A chat session: the conversation and the durable turn state machine, one event-sourced entity per
 * session, sharded over the cluster.
 *
 * <p>A turn runs one model call at a time. Its deltas are relayed to subscribers as they arrive but
 * not persisted one by one; the outcome (the assistant's message, or the failure) is. A turn whose
 * model call was interrupted by a node stop is found on recovery and re-run under a new turn id, at
 * most {@link Settings#maxTurnAttempts()} times, after a visible {@code turn_failed} for the old one.
 */
public final class Session
    extends EventSourcedBehaviorWithEnforcedReplies<Session.Command, Session.Event, Session.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Session");

  /** Tags for the read sides (session lists, audit); a fixed set so projections can be split over nodes. */
  public static final int TAG_COUNT = 4;

  /** Errors the edge maps to its error codes; a foreign session is "not found", never "forbidden". */
  public static final String NOT_FOUND = "session not found";
  public static final String ALREADY_EXISTS = "session already exists";
  public static final String UNKNOWN_AGENT = "unknown agent type";
  public static final String EMPTY_MESSAGE = "message content is empty";

  public record Settings(String readJournalPluginId, int snapshotEvery, int maxTurnAttempts) {}

  // ---------------------------------------------------------------- commands

  public sealed interface Command {}

  public record Create(
      String userId, String projectId, String title, String agentType, ActorRef<StatusReply<Summary>> replyTo)
      implements Command, JsonSerializable {}

  public record GetSummary(String userId, ActorRef<StatusReply<Summary>> replyTo) implements Command, JsonSerializable {}

  public record GetHistory(String userId, ActorRef<StatusReply<History>> replyTo) implements Command, JsonSerializable {}

  /** A user message; {@code operationId} (optional) makes a retry harmless. */
  public record PostUserMessage(
      String userId, String content, String agentType, String operationId, ActorRef<StatusReply<Accepted>> replyTo)
      implements Command, JsonSerializable {}

  public record SwitchAgent(String userId, String agentType, String reason, ActorRef<StatusReply<Done>> replyTo)
      implements Command, JsonSerializable {}

  /**
   * Follow the session: the subscriber gets {@link SessionUpdate.Subscribed}, then every persisted
   * update after {@code afterSeq}, then the running turn's partial text, then live updates.
   */
  public record Subscribe(String userId, long afterSeq, ActorRef<SessionUpdate> subscriber)
      implements Command, JsonSerializable {}

  public record Unsubscribe(ActorRef<SessionUpdate> subscriber) implements Command, JsonSerializable {}

  /** The acknowledgement the model stream waits for before it sends the next element (backpressure). */
  enum ModelAck {
    INSTANCE
  }

  // Messages the entity sends itself; they never leave the node.
  record ModelStreamStarted(String turnId, ActorRef<ModelAck> ackTo) implements Command, NoSerializationVerificationNeeded {}

  record ModelOutput(String turnId, LlmEvent event, ActorRef<ModelAck> ackTo) implements Command, NoSerializationVerificationNeeded {}

  record ModelStreamEnded(String turnId) implements Command, NoSerializationVerificationNeeded {}

  record ModelStreamFailed(String turnId, String error) implements Command, NoSerializationVerificationNeeded {}

  record InterruptedTurnFound(String turnId) implements Command, NoSerializationVerificationNeeded {}

  record SubscriberGone(ActorRef<SessionUpdate> subscriber) implements Command, NoSerializationVerificationNeeded {}

  record CatchUpLoaded(ActorRef<SessionUpdate> subscriber, List<SessionUpdate> updates)
      implements Command, NoSerializationVerificationNeeded {}

  // ---------------------------------------------------------------- replies

  public record Summary(
      String sessionId,
      String ownerId,
      String projectId,
      String title,
      int messageCount,
      Instant createdAt,
      Instant lastActivity,
      boolean active,
      String currentAgent,
      long lastSeq)
      implements JsonSerializable {}

  public record History(String sessionId, List<State.ChatMessage> messages, Instant lastActivity, String currentAgent)
      implements JsonSerializable {}

  /** {@code duplicate}: the operation id was seen before; nothing new was started. */
  public record Accepted(long seq, String operationId, String content, boolean duplicate) implements JsonSerializable {}

  public record Usage(int promptTokens, int completionTokens) implements JsonSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends JsonSerializable {}

  public record SessionCreated(
      String sessionId, String ownerId, String projectId, String title, String agentType, Instant at)
      implements Event {}

  public record UserMessageAccepted(String operationId, String content, Instant at) implements Event {}

  public record TurnStarted(String turnId, int attempt, Instant at) implements Event {}

  public record AssistantReplied(String turnId, String content, Usage usage, Instant at) implements Event {}

  public record TurnCompleted(String turnId, Instant at) implements Event {}

  public record TurnFailed(String turnId, String error, Instant at) implements Event {}

  public record AgentSwitched(String fromAgent, String toAgent, String reason, Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  public record State(
      String sessionId,
      String ownerId,
      String projectId,
      String title,
      String currentAgent,
      Instant createdAt,
      Instant lastActivity,
      List<ChatMessage> messages,
      List<QueuedMessage> queue,
      Turn turn,
      List<RecentOperation> recentOperations,
      long lastSeq)
      implements JsonSerializable {

    /** How many operation ids are remembered for idempotency; a client retries within seconds, not hundreds of messages. */
    static final int RECENT_OPERATIONS = 256;

    public record ChatMessage(String role, String content, String turnId, Instant at) implements JsonSerializable {}

    /** A user message accepted while another turn runs; it starts its own turn when that one ends. */
    public record QueuedMessage(String operationId, String content, Instant at) implements JsonSerializable {}

    /** The turn in progress; {@code attempt} > 1 when it re-runs a step interrupted by a node stop. */
    public record Turn(String turnId, Instant startedAt, int attempt) implements JsonSerializable {}

    public record RecentOperation(String operationId, long seq) implements JsonSerializable {}

    static State empty() {
      return new State(null, null, null, null, null, null, null, List.of(), List.of(), null, List.of(), 0);
    }

    public boolean isCreated() {
      return sessionId != null;
    }

    boolean isOwnedBy(String userId) {
      return isCreated() && ownerId.equals(userId);
    }

    boolean hasRunningTurn() {
      return turn != null;
    }

    Optional<RecentOperation> recentOperation(String operationId) {
      if (operationId == null) return Optional.empty();
      return recentOperations.stream().filter(o -> o.operationId().equals(operationId)).findFirst();
    }

    Summary summary() {
      return new Summary(
          sessionId, ownerId, projectId, title, messages.size(), createdAt, lastActivity, true, currentAgent, lastSeq);
    }

    State apply(Event event) {
      long seq = lastSeq + 1;
      State next;
      if (event instanceof SessionCreated e) {
        next =
            new State(
                e.sessionId(), e.ownerId(), e.projectId(), e.title(), e.agentType(), e.at(), e.at(),
                List.of(), List.of(), null, List.of(), lastSeq);
      } else if (event instanceof UserMessageAccepted e) {
        next = withQueue(append(queue, new QueuedMessage(e.operationId(), e.content(), e.at())))
            .withRecentOperation(e.operationId(), seq)
            .withLastActivity(e.at());
      } else if (event instanceof TurnStarted e) {
        next = startTurn(e);
      } else if (event instanceof AssistantReplied e) {
        next = withMessages(append(messages, new ChatMessage("assistant", e.content(), e.turnId(), e.at())))
            .withLastActivity(e.at());
      } else if (event instanceof TurnCompleted e) {
        next = withTurn(null).withLastActivity(e.at());
      } else if (event instanceof TurnFailed e) {
        next = withTurn(null).withLastActivity(e.at());
      } else if (event instanceof AgentSwitched e) {
        next = new State(
            sessionId, ownerId, projectId, title, e.toAgent(), createdAt, e.at(), messages, queue, turn,
            recentOperations, lastSeq);
      } else {
        throw new IllegalArgumentException("unknown event " + event.getClass().getName());
      }
      return next.withLastSeq(seq);
    }

    /** A first attempt takes the oldest queued message into the conversation; a re-run reuses it. */
    private State startTurn(TurnStarted e) {
      Turn started = new Turn(e.turnId(), e.at(), e.attempt());
      if (e.attempt() > 1 || queue.isEmpty()) return withTurn(started).withLastActivity(e.at());
      QueuedMessage next = queue.get(0);
      return withMessages(append(messages, new ChatMessage("user", next.content(), e.turnId(), next.at())))
          .withQueue(List.copyOf(queue.subList(1, queue.size())))
          .withTurn(started)
          .withLastActivity(e.at());
    }

    private State withMessages(List<ChatMessage> m) {
      return new State(sessionId, ownerId, projectId, title, currentAgent, createdAt, lastActivity, m, queue, turn, recentOperations, lastSeq);
    }

    private State withQueue(List<QueuedMessage> q) {
      return new State(sessionId, ownerId, projectId, title, currentAgent, createdAt, lastActivity, messages, q, turn, recentOperations, lastSeq);
    }

    private State withTurn(Turn t) {
      return new State(sessionId, ownerId, projectId, title, currentAgent, createdAt, lastActivity, messages, queue, t, recentOperations, lastSeq);
    }

    private State withLastActivity(Instant at) {
      return new State(sessionId, ownerId, projectId, title, currentAgent, createdAt, at, messages, queue, turn, recentOperations, lastSeq);
    }

    private State withLastSeq(long seq) {
      return new State(sessionId, ownerId, projectId, title, currentAgent, createdAt, lastActivity, messages, queue, turn, recentOperations, seq);
    }

    private State withRecentOperation(String operationId, long seq) {
      if (operationId == null) return this;
      List<RecentOperation> recent = new ArrayList<>(recentOperations);
      recent.add(new RecentOperation(operationId, seq));
      if (recent.size() > RECENT_OPERATIONS) recent = recent.subList(recent.size() - RECENT_OPERATIONS, recent.size());
      return new State(sessionId, ownerId, projectId, title, currentAgent, createdAt, lastActivity, messages, queue, turn, List.copyOf(recent), lastSeq);
    }

    private static <T> List<T> append(List<T> list, T element) {
      List<T> copy = new ArrayList<>(list.size() + 1);
      copy.addAll(list);
      copy.add(element);
      return List.copyOf(copy);
    }
  }

  // ---------------------------------------------------------------- behavior

  public static void init(ActorSystem<?> system, LlmClient llm, Settings settings, Clock clock) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), llm, settings, clock)));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, String sessionId) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, sessionId);
  }

  public static Behavior<Command> create(String sessionId, LlmClient llm, Settings settings, Clock clock) {
    return Behaviors.setup(context -> new Session(context, sessionId, llm, settings, clock));
  }

  private final ActorContext<Command> context;
  private final String sessionId;
  private final LlmClient llm;
  private final Settings settings;
  private final Clock clock;
  private final Subscribers subscribers = new Subscribers();
  /** The model call of the running turn, while its stream runs on this node. */
  private ModelStep step;

  private Session(ActorContext<Command> context, String sessionId, LlmClient llm, Settings settings, Clock clock) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), sessionId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.sessionId = sessionId;
    this.llm = llm;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("session-" + Math.floorMod(sessionId.hashCode(), TAG_COUNT));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state.hasRunningTurn()) context.getSelf().tell(new InterruptedTurnFound(state.turn().turnId()));
            })
        .onSignal(PostStop.instance(), state -> cancelModelStep())
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> unborn =
        newCommandHandlerWithReplyBuilder().forState(state -> !state.isCreated());
    unborn
        .onCommand(Create.class, this::onCreate)
        .onCommand(GetSummary.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(GetHistory.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(PostUserMessage.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(SwitchAgent.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND)))
        .onCommand(Subscribe.class, this::refuseSubscription)
        .onAnyCommand(cmd -> Effect().noReply());

    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> created =
        newCommandHandlerWithReplyBuilder().forState(State::isCreated);
    created
        .onCommand(Create.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(ALREADY_EXISTS)))
        .onCommand(GetSummary.class, this::onGetSummary)
        .onCommand(GetHistory.class, this::onGetHistory)
        .onCommand(PostUserMessage.class, this::onPostUserMessage)
        .onCommand(SwitchAgent.class, this::onSwitchAgent)
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(Unsubscribe.class, (state, cmd) -> onSubscriberGone(cmd.subscriber()))
        .onCommand(SubscriberGone.class, (state, cmd) -> onSubscriberGone(cmd.subscriber()))
        .onCommand(CatchUpLoaded.class, this::onCatchUpLoaded)
        .onCommand(ModelStreamStarted.class, this::onModelStreamStarted)
        .onCommand(ModelOutput.class, this::onModelOutput)
        .onCommand(ModelStreamEnded.class, this::onModelStreamEnded)
        .onCommand(ModelStreamFailed.class, this::onModelStreamFailed)
        .onCommand(InterruptedTurnFound.class, this::onInterruptedTurnFound);

    return unborn.orElse(created).build();
  }

  // ---------------------------------------------------------------- conversation

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    String agent = cmd.agentType() == null ? AgentProfile.DEFAULT.type() : cmd.agentType();
    if (AgentProfile.ofType(agent).isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_AGENT));
    }
    String title = cmd.title() == null || cmd.title().isBlank() ? "New session" : cmd.title().strip();
    SessionCreated created =
        new SessionCreated(sessionId, cmd.userId(), cmd.projectId(), title, AgentProfile.ofType(agent).get().type(), now());
    return Effect().persist(created).thenReply(cmd.replyTo(), newState -> StatusReply.success(newState.summary()));
  }

  private ReplyEffect<Event, State> onGetSummary(State state, GetSummary cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    return Effect().reply(cmd.replyTo(), StatusReply.success(state.summary()));
  }

  private ReplyEffect<Event, State> onGetHistory(State state, GetHistory cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    History history = new History(sessionId, state.messages(), state.lastActivity(), state.currentAgent());
    return Effect().reply(cmd.replyTo(), StatusReply.success(history));
  }

  private ReplyEffect<Event, State> onPostUserMessage(State state, PostUserMessage cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    Optional<State.RecentOperation> seen = state.recentOperation(cmd.operationId());
    if (seen.isPresent()) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.success(new Accepted(seen.get().seq(), cmd.operationId(), cmd.content(), true)));
    }
    if (cmd.content() == null || cmd.content().isBlank()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(EMPTY_MESSAGE));
    }
    List<Event> events = new ArrayList<>();
    if (cmd.agentType() != null) {
      Optional<AgentProfile> agent = AgentProfile.ofType(cmd.agentType());
      if (agent.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_AGENT));
      if (!agent.get().type().equals(state.currentAgent())) {
        events.add(new AgentSwitched(state.currentAgent(), agent.get().type(), "requested with the message", now()));
      }
    }
    events.add(new UserMessageAccepted(cmd.operationId(), cmd.content(), now()));
    if (!state.hasRunningTurn()) events.add(new TurnStarted(newTurnId(), 1, now()));
    long acceptedSeq = state.lastSeq() + events.size() - (state.hasRunningTurn() ? 0 : 1);
    return Effect()
        .persist(events)
        .thenRun(newState -> afterPersist(events, newState))
        .thenReply(
            cmd.replyTo(),
            newState -> StatusReply.success(new Accepted(acceptedSeq, cmd.operationId(), cmd.content(), false)));
  }

  private ReplyEffect<Event, State> onSwitchAgent(State state, SwitchAgent cmd) {
    if (!state.isOwnedBy(cmd.userId())) return Effect().reply(cmd.replyTo(), StatusReply.error(NOT_FOUND));
    Optional<AgentProfile> agent = AgentProfile.ofType(cmd.agentType());
    if (agent.isEmpty()) return Effect().reply(cmd.replyTo(), StatusReply.error(UNKNOWN_AGENT));
    if (agent.get().type().equals(state.currentAgent())) return Effect().reply(cmd.replyTo(), StatusReply.ack());
    List<Event> events = List.of(new AgentSwitched(state.currentAgent(), agent.get().type(), cmd.reason(), now()));
    return Effect()
        .persist(events)
        .thenRun(newState -> afterPersist(events, newState))
        .thenReply(cmd.replyTo(), newState -> StatusReply.ack());
  }

  // ---------------------------------------------------------------- the model call of a turn

  private ReplyEffect<Event, State> onModelStreamStarted(State state, ModelStreamStarted cmd) {
    if (isCurrentStep(cmd.turnId())) cmd.ackTo().tell(ModelAck.INSTANCE);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onModelOutput(State state, ModelOutput cmd) {
    if (!isCurrentStep(cmd.turnId())) return Effect().noReply();
    LlmEvent event = cmd.event();
    if (event instanceof LlmEvent.TextDelta delta && !delta.text().isEmpty()) {
      subscribers.publish(step.append(delta.text()));
    } else if (event instanceof LlmEvent.Usage usage) {
      step.usage = new Usage(usage.promptTokens(), usage.completionTokens());
    } else if (event instanceof LlmEvent.ToolCallsRequested calls) {
      step.toolCalls = calls.calls();
    }
    cmd.ackTo().tell(ModelAck.INSTANCE);
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onModelStreamEnded(State state, ModelStreamEnded cmd) {
    if (!isCurrentStep(cmd.turnId())) return Effect().noReply();
    ModelStep finished = step;
    step = null;
    List<Event> events = new ArrayList<>();
    if (!finished.toolCalls.isEmpty()) {
      // tools that run in the IDE come with the tool-loop work; until then the turn must end visibly
      events.add(new TurnFailed(finished.turnId, "the model asked for tools, which this session cannot run yet", now()));
    } else {
      events.add(new AssistantReplied(finished.turnId, finished.text(), finished.usage, now()));
      events.add(new TurnCompleted(finished.turnId, now()));
    }
    return endTurn(state, events);
  }

  private ReplyEffect<Event, State> onModelStreamFailed(State state, ModelStreamFailed cmd) {
    if (!isCurrentStep(cmd.turnId())) return Effect().noReply();
    step = null;
    return endTurn(state, new ArrayList<>(List.of(new TurnFailed(cmd.turnId(), cmd.error(), now()))));
  }

  /** A turn found running on recovery lost its model call with the node that ran it. */
  private ReplyEffect<Event, State> onInterruptedTurnFound(State state, InterruptedTurnFound cmd) {
    if (!state.hasRunningTurn() || !state.turn().turnId().equals(cmd.turnId()) || step != null) {
      return Effect().noReply();
    }
    int attempt = state.turn().attempt();
    List<Event> events = new ArrayList<>();
    if (attempt < settings.maxTurnAttempts()) {
      events.add(new TurnFailed(cmd.turnId(), "the node running this turn stopped; running it again", now()));
      events.add(new TurnStarted(newTurnId(), attempt + 1, now()));
      return Effect().persist(events).thenRun(newState -> afterPersist(events, newState)).thenNoReply();
    }
    events.add(new TurnFailed(cmd.turnId(), "the node running this turn stopped " + attempt + " times; giving up", now()));
    return endTurn(state, events);
  }

  /** Persists the end of the running turn and, if a message waits in the queue, the start of its turn. */
  private ReplyEffect<Event, State> endTurn(State state, List<Event> outcome) {
    if (!state.queue().isEmpty()) outcome.add(new TurnStarted(newTurnId(), 1, now()));
    return Effect().persist(outcome).thenRun(newState -> afterPersist(outcome, newState)).thenNoReply();
  }

  /** Tells subscribers what was persisted, and starts the model call of a turn that just started. */
  private void afterPersist(List<Event> events, State newState) {
    long seq = newState.lastSeq() - events.size() + 1;
    for (Event event : events) {
      SessionUpdate.of(event, seq++).ifPresent(subscribers::publish);
    }
    if (events.get(events.size() - 1) instanceof TurnStarted started) startModelStep(newState, started.turnId());
  }

  private void startModelStep(State state, String turnId) {
    cancelModelStep();
    AgentProfile agent = AgentProfile.ofType(state.currentAgent()).orElse(AgentProfile.DEFAULT);
    List<LlmMessage> messages = new ArrayList<>();
    messages.add(LlmMessage.system(agent.systemPrompt()));
    for (State.ChatMessage message : state.messages()) {
      messages.add(new LlmMessage(message.role(), message.content(), List.of(), null));
    }
    UniqueKillSwitch killSwitch =
        llm.stream(new LlmRequest(messages, List.of()))
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(
                ActorSink.<LlmEvent, Command, ModelAck>actorRefWithBackpressure(
                    context.getSelf(),
                    (ackTo, event) -> new ModelOutput(turnId, event, ackTo),
                    ackTo -> new ModelStreamStarted(turnId, ackTo),
                    ModelAck.INSTANCE,
                    new ModelStreamEnded(turnId),
                    failure -> new ModelStreamFailed(turnId, describe(failure))),
                Keep.left())
            .run(context.getSystem());
    step = new ModelStep(turnId, killSwitch);
  }

  private void cancelModelStep() {
    if (step != null) step.cancel();
    step = null;
  }

  private boolean isCurrentStep(String turnId) {
    return step != null && step.turnId.equals(turnId);
  }

  private static String describe(Throwable failure) {
    if (failure instanceof LlmException) return failure.getMessage();
    return "the model call failed: " + failure.getClass().getSimpleName();
  }

  // ---------------------------------------------------------------- subscribers

  private ReplyEffect<Event, State> refuseSubscription(State state, Subscribe cmd) {
    cmd.subscriber().tell(new SessionUpdate.SubscriptionRefused(NOT_FOUND));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onSubscribe(State state, Subscribe cmd) {
    if (!state.isOwnedBy(cmd.userId())) return refuseSubscription(state, cmd);
    ActorRef<SessionUpdate> subscriber = cmd.subscriber();
    if (!subscribers.contains(subscriber)) context.watchWith(subscriber, new SubscriberGone(subscriber));
    subscriber.tell(new SessionUpdate.Subscribed(context.getSelf(), sessionId, state.currentAgent(), state.lastSeq()));
    if (cmd.afterSeq() >= state.lastSeq()) {
      subscribers.addLive(subscriber);
      partialTurn().forEach(subscriber::tell);
    } else {
      subscribers.addCatchingUp(subscriber);
      loadFromJournal(subscriber, Math.max(0, cmd.afterSeq()) + 1, state.lastSeq());
    }
    return Effect().noReply();
  }

  private void loadFromJournal(ActorRef<SessionUpdate> subscriber, long fromSeq, long toSeq) {
    CurrentEventsByPersistenceIdQuery journal =
        PersistenceQuery.get(context.getSystem())
            .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, settings.readJournalPluginId());
    context.pipeToSelf(
        journal
            .currentEventsByPersistenceId(PersistenceId.of(ENTITY_KEY.name(), sessionId).id(), fromSeq, toSeq)
            .mapConcat(envelope -> SessionUpdate.of((Event) envelope.event(), envelope.sequenceNr()).stream().toList())
            .runWith(Sink.seq(), context.getSystem()),
        (updates, failure) -> {
          if (failure != null) {
            context.getLog().warn("Session {}: cannot read the journal for a subscriber: {}", sessionId, failure.toString());
            // the subscriber cannot be brought up to date: drop it; it reconnects and tries again
            subscriber.tell(new SessionUpdate.SubscriptionRefused("history temporarily unavailable"));
            return new SubscriberGone(subscriber);
          }
          return new CatchUpLoaded(subscriber, updates);
        });
  }

  private ReplyEffect<Event, State> onCatchUpLoaded(State state, CatchUpLoaded cmd) {
    subscribers.completeCatchUp(cmd.subscriber(), cmd.updates(), partialTurn());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onSubscriberGone(ActorRef<SessionUpdate> subscriber) {
    if (subscribers.contains(subscriber)) {
      subscribers.remove(subscriber);
      context.unwatch(subscriber);
    }
    return Effect().noReply();
  }

  private List<SessionUpdate> partialTurn() {
    return step == null ? List.of() : step.deltasSoFar();
  }

  private Instant now() {
    return clock.instant();
  }

  private static String newTurnId() {
    return UUID.randomUUID().toString();
  }
}
