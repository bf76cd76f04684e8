package codelab.session;

import codelab.JsonSerializable;
import codelab.agent.Agent;
import codelab.agent.AgentError;
import codelab.agent.AgentProfile;
import codelab.agent.Agents;
import codelab.agent.memory.AgentMemories;
import codelab.agent.StarterTeam;
import codelab.Refusal;
import codelab.llm.LlmClient;
import codelab.llm.LlmEvent;
import codelab.llm.ModelCatalog;
import codelab.project.Projects;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A chat session: the conversation and the durable turn state machine, one event-sourced entity per
 * session, sharded over the cluster.
 *
 * <p>A turn is a loop of steps. A step is one model call: its deltas are relayed to subscribers as
 * they arrive (not persisted one by one) and its outcome is persisted: the final answer, or the tool
 * calls the model asked for. Tool calls run in the IDE; those the agent's policy marks as dangerous
 * first wait for a human's decision, which is itself a persisted command, with a deadline. When every
 * call of a step has its result (or its rejection), the next step starts, up to the step limit.
 *
 * <p>A model call interrupted by a node stop is found on recovery: the turn gets a visible
 * {@code turn_failed} and is re-run under a new turn id (its context, with the tool results so far,
 * is in the journal), at most {@link Settings#maxTurnAttempts()} times. Waiting tool calls and
 * approvals need no model call: their timers are armed again on recovery, and approval deadlines are
 * also swept from a durable table so that they fire when no one wakes the entity.
 *
 * <p>An approval request is first shown to the project's approval rules (remembered approvals): a
 * rule that covers the call approves it at once, recorded with the rule's id; without one, or
 * without an answer in time, the request waits for a person as ever.
 *
 * <p>This class decides; {@link SessionState} remembers, {@link TurnRunner} runs the model calls,
 * {@link Subscriptions} keeps the followers up to date, {@link DeadlineTimers} watches the deadlines,
 * {@link ApprovalRuleChecks} asks the project's rules.
 */
public final class Session
    extends EventSourcedBehaviorWithEnforcedReplies<Session.Command, Session.Event, SessionState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Session");

  /** Tags for the read sides (approval deadlines, session lists); a fixed set so projections can be split over nodes. */
  public static final int TAG_COUNT = 4;

  /** Which of the tags a session's events carry: the read sides that keep rows per tag use its index. */
  public static int tagIndexOf(String sessionId) {
    return Math.floorMod(sessionId.hashCode(), TAG_COUNT);
  }

  public static List<String> tags() {
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < TAG_COUNT; i++) tags.add("session-" + i);
    return tags;
  }

  /**
   * @param maxSteps model calls per turn before the turn fails (a model that keeps asking for tools)
   * @param toolTimeout how long the IDE has to answer a tool call before the model is told it failed
   * @param approvalTimeout how long an approval waits for a human before it expires (a rejection)
   * @param idleTimeout how long a session with no turn and no subscriber stays in memory
   * @param agentTimeout how long a turn start waits for the agent's answer before the turn fails
   * @param recallLimit how many memories an agent with memory recalls at most for a turn
   * @param recallMinScore how similar (cosine) to the turn's message a memory must be to be recalled
   * @param approvalRuleTimeout how long an approval request waits for its project to say whether a rule approves it
   * @param plans how the orchestrator's plans run
   */
  public record Settings(
      String readJournalPluginId, int snapshotEvery, int maxTurnAttempts, int maxSteps, Duration toolTimeout, Duration approvalTimeout,
      Duration idleTimeout, Duration agentTimeout, int recallLimit, double recallMinScore, Duration approvalRuleTimeout, PlanLimits plans) {

    /** From {@code codelab.session} (this module's reference.conf). */
    public static Settings fromConfig(com.typesafe.config.Config config) {
      com.typesafe.config.Config session = config.getConfig("codelab.session");
      return new Settings(
          session.getString("read-journal"),
          session.getInt("snapshot-every"),
          session.getInt("max-turn-attempts"),
          session.getInt("max-steps"),
          session.getDuration("tool-timeout"),
          session.getDuration("approval-timeout"),
          session.getDuration("idle-timeout"),
          session.getDuration("agent-timeout"),
          session.getInt("recall-limit"),
          session.getDouble("recall-min-score"),
          session.getDuration("approval-rule-timeout"),
          PlanLimits.fromConfig(session.getConfig("plans")));
    }
  }

  // ---------------------------------------------------------------- commands

  public sealed interface Command {}

  /**
   * A command a user sends about their session, naming them: the session answers it for its owner
   * only, and anyone else gets the same "not found" as for no session (never "forbidden").
   */
  public sealed interface FromUser<R> extends Command {
    String userId();

    ActorRef<StatusReply<R>> replyTo();
  }

  /**
   * {@code agentId}: the agent that answers first; when null, the project's starter agent of role
   * {@code agentType} (the orchestrator when that is null too). The creating workflow has checked that
   * the agent is the caller's and of this project.
   */
  public record Create(
      String userId, String projectId, String title, String agentType, String agentId, String clientId, ActorRef<StatusReply<Summary>> replyTo)
      implements Command, JsonSerializable {
    /** {@code clientId}: the OAuth client that creates it (version 3, {@link CreatedByClient}); null when unknown. */
    public Create(String userId, String projectId, String title, String agentType, String agentId, ActorRef<StatusReply<Summary>> replyTo) {
      this(userId, projectId, title, agentType, agentId, null, replyTo);
    }
  }

  /**
   * A socket that brings no token (the CodeLab IDE's, where an operator allows it) may follow the
   * session only if a client of {@code clientIds} created it: answered with the session's summary
   * (its owner is whom the socket speaks for), else the same "not found" as for no session.
   */
  public record JoinWithoutToken(List<String> clientIds, ActorRef<StatusReply<Summary>> replyTo) implements Command, JsonSerializable {}

  public record GetSummary(String userId, ActorRef<StatusReply<Summary>> replyTo) implements FromUser<Summary>, JsonSerializable {}
  public record GetHistory(String userId, ActorRef<StatusReply<History>> replyTo) implements FromUser<History>, JsonSerializable {}
  public record GetPendingApprovals(String userId, ActorRef<StatusReply<PendingApprovals>> replyTo)
      implements FromUser<PendingApprovals>, JsonSerializable {}

  /**
   * A user message; {@code operationId} (optional) makes a retry harmless. {@code orchestrated}
   * (v1.1 {@code mode: orchestrated}): the project's orchestrator answers, and may plan.
   */
  public record PostUserMessage(
      String userId, String content, String agentType, String operationId, boolean orchestrated, String traceId,
      ActorRef<StatusReply<Accepted>> replyTo)
      implements FromUser<Accepted>, JsonSerializable {
    /** A direct message: the session's current agent answers. */
    public PostUserMessage(String userId, String content, String agentType, String operationId, ActorRef<StatusReply<Accepted>> replyTo) {
      this(userId, content, agentType, operationId, false, null, replyTo);
    }

    /** Without a trace id (version 4, {@link TracedMessages}): the request that sent it had none to pass on. */
    public PostUserMessage(
        String userId, String content, String agentType, String operationId, boolean orchestrated, ActorRef<StatusReply<Accepted>> replyTo) {
      this(userId, content, agentType, operationId, orchestrated, null, replyTo);
    }
  }

  /** To the agent {@code agentId}, or (when it is null) to the project's starter agent of role {@code agentType}. */
  public record SwitchAgent(String userId, String agentType, String agentId, String reason, ActorRef<StatusReply<Done>> replyTo)
      implements FromUser<Done>, JsonSerializable {}

  /**
   * The IDE's answer to a tool call: {@code resultJson} (a JSON object) or {@code error}. For a call
   * still waiting for approval it is the decision too: a result approves it, an error rejects it.
   * {@code operationId} (optional), like on each command that changes the session, makes a retry harmless.
   */
  public record RecordToolResult(
      String userId, String callId, String resultJson, String error, String operationId, ActorRef<StatusReply<Done>> replyTo)
      implements FromUser<Done>, JsonSerializable {}

  /** A human's decision on a waiting call: approve, edit (approve with {@code modifiedArgumentsJson}) or reject. */
  public record Decide(
      String userId, String callId, String decision, String modifiedArgumentsJson, String feedback, String operationId,
      ActorRef<StatusReply<Decision>> replyTo)
      implements FromUser<Decision>, JsonSerializable {
    /** Without an operation id: a decision a retry cannot repeat by mistake. */
    public Decide(
        String userId, String callId, String decision, String modifiedArgumentsJson, String feedback, ActorRef<StatusReply<Decision>> replyTo) {
      this(userId, callId, decision, modifiedArgumentsJson, feedback, null, replyTo);
    }
  }

  /**
   * From the decision that made an approval rule: the approvals still pending are matched against the
   * project's rules again (a step may have asked for several calls the new rule covers). Whoever sends
   * it, only the rules of the session's own project and owner can approve anything.
   */
  public record CheckApprovalRules() implements Command, JsonSerializable {}

  /** From the deadline sweeper (any node) or the entity's own timer: expire the approval if its deadline passed. */
  public record ExpireApproval(String callId) implements Command, JsonSerializable {}

  public record CancelTurn(String userId, String operationId, ActorRef<StatusReply<Done>> replyTo) implements FromUser<Done>, JsonSerializable {}

  /** A blank title is refused as an empty one would be for a message; the title is stripped. */
  public record Rename(String userId, String title, ActorRef<StatusReply<Summary>> replyTo) implements FromUser<Summary>, JsonSerializable {}

  /**
   * Archiving stops new work in the session (messages, agent switches), not the turn already
   * accepted; the session stays readable. Archiving twice is archiving once. A project's deletion
   * archives its sessions in the name of their owner, who owns the project.
   */
  public record Archive(String userId, ActorRef<StatusReply<Summary>> replyTo) implements FromUser<Summary>, JsonSerializable {}

  /**
   * From the wake-up sweeper: the session may have something due (a deadline, a timeout) and no one
   * else to wake it. Starting the entity is half the work: recovery finds an interrupted model call.
   */
  public record Wake() implements Command, JsonSerializable {}

  /**
   * Follow the session: the subscriber gets {@link SessionUpdate.Subscribed}, then every persisted
   * update after {@code afterSeq}, then the running turn's partial text and its unanswered tool
   * calls, then live updates.
   */
  public record Subscribe(String userId, long afterSeq, ActorRef<SessionUpdate> subscriber)
      implements Command, JsonSerializable {}

  public record Unsubscribe(ActorRef<SessionUpdate> subscriber) implements Command, JsonSerializable {}

  public record GetPlans(String userId, ActorRef<StatusReply<Plans>> replyTo) implements FromUser<Plans>, JsonSerializable {}

  /**
   * From a plan's parent session to the child session of one of its tasks: be created for it and
   * answer {@code message}, or, if that was done before (a re-send after a crash or a lost answer),
   * say how the task stands. The parent sends it until it hears that the task ended.
   */
  public record StartTask(
      String parentSessionId, String planId, String taskId, String ownerId, String projectId, String agentId, String agentRole, String title,
      String message, ActorRef<StatusReply<TaskReport>> replyTo)
      implements Command, JsonSerializable {}

  /**
   * From a parent whose plan was cancelled to the session of a task that had started: stop it, also
   * when its turn has not begun (its message waits for its agent) or its session does not exist yet (a
   * StartTask still on its way then finds the task cancelled). Answered with how the task stands.
   */
  public record CancelTask(
      String parentSessionId, String planId, String taskId, String ownerId, String projectId, String agentId, String agentRole, String title,
      ActorRef<StatusReply<TaskReport>> replyTo)
      implements Command, JsonSerializable {}

  /** From a task session to its parent when its turn ended for good (also the answer to {@link StartTask}). */
  public record TaskReported(TaskReport report) implements Command, JsonSerializable {}

  /** The acknowledgement the model stream waits for before it sends the next element (backpressure). */
  enum ModelAck {
    INSTANCE
  }

  // Messages the entity sends itself (from its model stream, recovery, timers, journal reads); they never leave the node.
  record ModelStreamStarted(String turnId, ActorRef<ModelAck> ackTo) implements Command, NoSerializationVerificationNeeded {}
  record ModelOutput(String turnId, LlmEvent event, ActorRef<ModelAck> ackTo) implements Command, NoSerializationVerificationNeeded {}
  record ModelStreamEnded(String turnId) implements Command, NoSerializationVerificationNeeded {}
  record ModelStreamFailed(String turnId, String error) implements Command, NoSerializationVerificationNeeded {}
  record InterruptedTurnFound(String turnId) implements Command, NoSerializationVerificationNeeded {}
  record ToolCallTimedOut(String callId) implements Command, NoSerializationVerificationNeeded {}
  /** The memories recalled for the turn's first model call (none when recall failed: the turn goes on without). */
  record MemoriesRecalled(String turnId, List<String> memories) implements Command, NoSerializationVerificationNeeded {}
  /** The agent's answer at a turn start ({@code turnId} empty: for a new turn); {@code problem} when it did not answer. */
  record AgentAnswered(String turnId, Agent.ForTurn agent, String problem) implements Command, NoSerializationVerificationNeeded {}
  /** The agent a switch by id names, checked: it is the owner's, of this project, and not archived; or why not. */
  record SwitchChecked(SwitchAgent switchAgent, Agent.ForTurn agent, SessionError refusal) implements Command, NoSerializationVerificationNeeded {}
  /** The project's answer about an approval request: {@code ruleId} approves the call with these arguments; null: no rule does, or no answer. */
  record RuleAnswered(String callId, String argumentsJson, String ruleId) implements Command, NoSerializationVerificationNeeded {}

  /** A task session did not answer {@link StartTask} (timeout, node down): the plan's next check sends it again. */
  record TaskNotAnswered(String planId, String taskId, String problem) implements Command, NoSerializationVerificationNeeded {}

  /** A task session did not confirm a cancel: it is sent again a while later. */
  record CancelNotConfirmed(String planId, String taskId, int attempt) implements Command, NoSerializationVerificationNeeded {}

  /** Time to ask the running tasks of the plans how they stand (a report may have been lost). */
  enum PlanCheckDue implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** Nothing arrived for a while: passivate if no turn runs and no one follows the session. */
  enum Idle implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  record SubscriberGone(ActorRef<SessionUpdate> subscriber) implements Command, NoSerializationVerificationNeeded {}
  record CatchUpLoaded(ActorRef<SessionUpdate> subscriber, int generation, List<SessionUpdate> updates)
      implements Command, NoSerializationVerificationNeeded {}

  // ---------------------------------------------------------------- replies

  /** {@code currentAgent}: the current agent's role (v1's agent type); {@code agentId}: the agent itself. */
  public record Summary(
      String sessionId, String ownerId, String projectId, String title, int messageCount, Instant createdAt, Instant lastActivity,
      boolean active, String currentAgent, String agentId, long lastSeq)
      implements JsonSerializable {}

  public record History(String sessionId, List<SessionState.ChatMessage> messages, Instant lastActivity, String currentAgent)
      implements JsonSerializable {}

  public record PendingApprovals(String sessionId, List<SessionState.Approval> approvals) implements JsonSerializable {}

  public record Plans(String sessionId, List<Plan> plans) implements JsonSerializable {}

  /**
   * How task {@code taskId} of plan {@code planId} stands in its session {@code sessionId}: running
   * ({@code status} RUNNING), or ended with its answer ({@code content}) or why it failed ({@code error}).
   */
  public record TaskReport(String planId, String taskId, String sessionId, Plan.TaskStatus status, String content, String error)
      implements JsonSerializable {
    boolean ended() {
      return status.ended();
    }
  }

  /** {@code duplicate}: the operation id was seen before; nothing new was started. */
  public record Accepted(long seq, String operationId, String content, boolean duplicate) implements JsonSerializable {}

  /** {@code decision}: the {@link ApprovalDecision}'s word, as the client sent it. */
  public record Decision(String callId, String decision) implements JsonSerializable {}

  public record Usage(int promptTokens, int completionTokens) implements JsonSerializable {}

  /** A tool call as the session knows it: its own id (what clients see) and the model's id for it. */
  public record ToolCall(String callId, String providerCallId, String toolName, String argumentsJson)
      implements JsonSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends JsonSerializable {
    /** When it happened; also the session's last activity. */
    Instant at();
  }

  /** {@code agentId} is null in sessions created before agents were entities: their role names the project's starter agent. */
  public record SessionCreated(
      String sessionId, String ownerId, String projectId, String title, String agentType, String agentId, String clientId, Instant at)
      implements Event {
    /** Created by a client that did not say which (version 3, {@link CreatedByClient}). */
    public SessionCreated(String sessionId, String ownerId, String projectId, String title, String agentType, String agentId, Instant at) {
      this(sessionId, ownerId, projectId, title, agentType, agentId, null, at);
    }
  }

  /** {@code orchestrated}: the project's orchestrator answers it, and may plan (version 3, {@link OrchestratedPlans}). */
  public record UserMessageAccepted(String operationId, String content, boolean orchestrated, Instant at) implements Event {
    public UserMessageAccepted(String operationId, String content, Instant at) {
      this(operationId, content, false, at);
    }
  }

  /**
   * Which agent answers the turn: its id, the version it had when the turn started, and the model
   * that answers (the version's, or the node's default when it names none). All three are null in turns of journals written
   * before agents were entities; such a turn answers with its role's template.
   */
  public record TurnStarted(String turnId, int attempt, String agentId, Integer agentVersion, String model, boolean orchestrated, Instant at)
      implements Event {
    /** A direct turn: no plan. */
    public TurnStarted(String turnId, int attempt, String agentId, Integer agentVersion, String model, Instant at) {
      this(turnId, attempt, agentId, agentVersion, model, false, at);
    }
  }

  /**
   * The model asked for a tool in step {@code step}; {@code stepText} is what it said before asking,
   * {@code stepDeltas} how many deltas that text came in (the next step's deltas continue after them).
   */
  public record ToolCallRequested(
      String turnId, int step, ToolCall call, boolean requiresApproval, String stepText, int stepDeltas, Instant at)
      implements Event {}

  public record ApprovalRequested(
      String turnId, String callId, String toolName, String argumentsJson, String reason, Instant deadline, Instant at)
      implements Event {}

  /**
   * {@code argumentsJson}: what is to run (approve, edit). {@code operationId}: of the command that
   * resolved it, remembered to answer a retry (also on {@link ToolResultRecorded} and {@link TurnCancelled}).
   * {@code ruleId}: the project's approval rule that approved it; null when a person or the deadline
   * decided (version 3, {@link ApprovedByRule}).
   */
  public record ApprovalResolved(
      String callId, ApprovalDecision decision, String argumentsJson, String feedback, String operationId, String ruleId, Instant at)
      implements Event {
    /** Decided by a person (or the deadline, or a cancel), not by a rule. */
    public ApprovalResolved(String callId, ApprovalDecision decision, String argumentsJson, String feedback, String operationId, Instant at) {
      this(callId, decision, argumentsJson, feedback, operationId, null, at);
    }
  }

  /** An approved call, sent to the IDE for execution. */
  public record ToolCallReleased(String turnId, String callId, String toolName, String argumentsJson, Instant at) implements Event {}

  public record ToolResultRecorded(String callId, String resultJson, String error, String operationId, Instant at) implements Event {}

  /**
   * The turn's answer. {@code contextMessages}: how many messages its model call was sent (system
   * prompt included); {@code omittedMessages}: how many older ones were left out to fit the model's
   * context window. Both 0 in journals from before the context budget.
   */
  public record AssistantReplied(String turnId, String content, Usage usage, int contextMessages, int omittedMessages, Instant at)
      implements Event {}

  /**
   * What the turn's agent (with memory enabled) remembers of it: the user's message and the answer.
   * A projection stores it with its embedding; its seq says where it came from.
   */
  public record TurnRemembered(String turnId, String agentId, String text, Instant at) implements Event {}

  // how a turn ends
  public record TurnCompleted(String turnId, Instant at) implements Event {}
  public record TurnFailed(String turnId, String error, Instant at) implements Event {}
  public record TurnCancelled(String turnId, String operationId, Instant at) implements Event {}

  /** {@code fromAgent}, {@code toAgent}: roles; {@code toAgentId}: the agent (null in journals from before agents were entities). */
  public record AgentSwitched(String fromAgent, String toAgent, String toAgentId, String reason, Instant at) implements Event {}

  public record SessionRenamed(String title, Instant at) implements Event {}

  // ---------------------------------------------------------------- plans (PlanSteps decides, TaskDispatch delivers)

  /** In a task session: its plan was cancelled before its turn ended; its message, if still waiting, is dropped. */
  public record TaskCancelled(Instant at) implements Event {}

  /** A plan for the orchestrator's {@code create_plan} call {@code callId}, approved (or needing no approval): every task waits. */
  public record PlanStarted(String planId, String turnId, String callId, List<Plan.Task> tasks, Instant at) implements Event {}

  /** Task {@code taskId} runs in its child session {@code sessionId} with agent {@code agentId}. */
  public record TaskStarted(String planId, String taskId, String agentId, String sessionId, Instant at) implements Event {}

  public record TaskCompleted(String planId, String taskId, String content, Instant at) implements Event {}

  public record TaskFailed(String planId, String taskId, String error, Instant at) implements Event {}

  /** Every task ended; the orchestrator's call gets their results in the same write. */
  public record PlanCompleted(String planId, Instant at) implements Event {}

  /**
   * A session made for task {@code taskId} of plan {@code planId} of session {@code parentSessionId}
   * (what {@link SessionCreated} is for a person's session; session lists do not show it). It answers
   * its one message and reports back; it takes no messages from people and cannot plan (depth 1).
   */
  public record TaskSessionCreated(
      String sessionId, String ownerId, String projectId, String title, String agentType, String agentId, String parentSessionId,
      String planId, String taskId, Instant at)
      implements Event {
    /** What a person's session would have been created with: the session as such, without its task. */
    public SessionCreated asSessionCreated() {
      return new SessionCreated(sessionId, ownerId, projectId, title, agentType, agentId, at);
    }
  }
  public record SessionArchived(Instant at) implements Event {}

  // ---------------------------------------------------------------- behavior

  /**
   * Sessions passivate themselves, when idle in the domain's sense (no turn, no subscriber): the
   * sharding's own idle strategy counts only messages through the shard, not a model's stream, and
   * would stop a turn in the middle.
   */
  public static void init(ActorSystem<?> system, LlmClient llm, ModelCatalog models, AgentMemories memories, Settings settings, Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_KEY,
                    entity -> withSessionId(entity.getEntityId(), Behaviors.setup(context -> {
                      context.setReceiveTimeout(settings.idleTimeout(), Idle.INSTANCE);
                      return Behaviors.withTimers(timers ->
                          new Session(context, timers, entity.getEntityId(), llm, models, Agents.sharded(system), memories,
                              Projects.sharded(system), Sessions.sharded(system), settings, clock, entity.getShard()));
                    })))
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, String sessionId) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, sessionId);
  }

  public static Behavior<Command> create(
      String sessionId, LlmClient llm, ModelCatalog models, Agents agents, AgentMemories memories, Projects projects, Sessions sessions,
      Settings settings, Clock clock) {
    return withSessionId(sessionId, Behaviors.setup(
        context -> Behaviors.withTimers(timers ->
            new Session(context, timers, sessionId, llm, models, agents, memories, projects, sessions, settings, clock, null))));
  }

  /** Every log line of the session names it ({@code session_id} in the MDC: a field of its own in the JSON logs). */
  private static Behavior<Command> withSessionId(String sessionId, Behavior<Command> session) {
    return Behaviors.withMdc(Command.class, java.util.Map.of("session_id", sessionId), session);
  }

  private final ActorContext<Command> context;
  private final String sessionId;
  private final Settings settings;
  private final Clock clock;
  private final DeadlineTimers timers;
  private final TurnRunner turns;
  private final Subscriptions subscriptions;
  private final ApprovalRuleChecks rules;
  private final TaskDispatch tasks;
  private final Agents agents;
  /** When the running turn started, as this node saw it (its duration's start). */
  private Instant turnStartedAt;
  /** Where to ask for passivation; none outside sharding (tests). */
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  private Session(
      ActorContext<Command> context, TimerScheduler<Command> timers, String sessionId, LlmClient llm, ModelCatalog models, Agents agents,
      AgentMemories memories, Projects projects, Sessions sessions, Settings settings, Clock clock, ActorRef<ClusterSharding.ShardCommand> shard) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), sessionId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.context = context;
    this.sessionId = sessionId;
    this.settings = settings;
    this.clock = clock;
    // the entity runs its turns itself: only the wake-up table checks on a running turn
    this.timers = new DeadlineTimers(timers, new Deadlines(settings.toolTimeout(), Duration.ZERO), clock);
    this.turns = new TurnRunner(context, llm, models, agents, memories, settings, clock);
    this.agents = agents;
    this.rules = new ApprovalRuleChecks(context, projects, settings.approvalRuleTimeout());
    this.tasks = new TaskDispatch(context, timers, sessions, settings.plans(), settings.agentTimeout());
    this.subscriptions = new Subscriptions(context, PersistenceId.of(ENTITY_KEY.name(), sessionId), settings.readJournalPluginId());
    this.shard = shard;
  }

  @Override
  public SessionState emptyState() {
    return SessionState.empty();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("session-" + tagIndexOf(sessionId));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SignalHandler<SessionState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PostStop.instance(), state -> turns.cancel())
        .build();
  }

  /**
   * A turn without waiting calls was in a model call, which died with its node; waiting calls get
   * their timers back; a message accepted without its turn (the node stopped while its agent was
   * asked) gets its turn now.
   */
  private void onRecovered(SessionState state) {
    if (state.hasRunningTurn()) turnStartedAt = state.turn().startedAt();
    tasks.resend(state);
    if (!state.hasRunningTurn()) {
      turns.continueTurn(state);
      return;
    }
    if (!state.turn().waitsForTools()) {
      context.getSelf().tell(new InterruptedTurnFound(state.turn().turnId()));
      return;
    }
    timers.armWaiting(state);
  }

  @Override
  public EventHandler<SessionState, Event> eventHandler() {
    return SessionState::apply;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, SessionState> commandHandler() {
    CommandHandlerWithReplyBuilderByState<Command, Event, SessionState, SessionState> unborn =
        newCommandHandlerWithReplyBuilder().forState(state -> !state.isCreated());
    unborn
        .onCommand(Create.class, this::onCreate)
        .onCommand(JoinWithoutToken.class, cmd -> Effect().reply(cmd.replyTo(), SessionError.NOT_FOUND.reply()))
        .onCommand(StartTask.class, this::onStartTask)
        .onCommand(CancelTask.class, this::onCancelTaskFirst)
        .onCommand(FromUser.class, cmd -> notFound(cmd))
        .onCommand(Subscribe.class, cmd -> then(() -> subscriptions.refuse(cmd.subscriber())))
        .onCommand(Idle.class, this::onIdle)
        .onAnyCommand(cmd -> Effect().noReply());

    // what an archived session refuses or answers differently; everything else as in any created session
    CommandHandlerWithReplyBuilderByState<Command, Event, SessionState, SessionState> archived =
        newCommandHandlerWithReplyBuilder().forState(SessionState::archived);
    archived
        // a retry of a message accepted before the archiving is still answered as the first time
        .onCommand(PostUserMessage.class, owner((state, cmd) ->
            state.recentOperation(cmd.operationId()).isPresent() ? onPostUserMessage(state, cmd) : refuse(cmd, SessionError.ARCHIVED)))
        .onCommand(SwitchAgent.class, owner((state, cmd) -> refuse(cmd, SessionError.ARCHIVED)))
        .onCommand(Archive.class, owner((state, cmd) -> answer(cmd, state.summary())));

    CommandHandlerWithReplyBuilderByState<Command, Event, SessionState, SessionState> created =
        newCommandHandlerWithReplyBuilder().forState(SessionState::isCreated);
    created
        .onCommand(Create.class, cmd -> Effect().reply(cmd.replyTo(), SessionError.ALREADY_EXISTS.reply()))
        .onCommand(StartTask.class, this::onStartTaskAgain)
        .onCommand(CancelTask.class, this::onCancelTask)
        .onCommand(CancelNotConfirmed.class, (state, cmd) -> then(() -> tasks.cancelAgain(state, cmd)))
        .onCommand(GetPlans.class, owner((state, cmd) -> answer(cmd, new Plans(sessionId, state.plans()))))
        .onCommand(TaskReported.class, (state, cmd) ->
            persist(turns.continueOrStop(state, PlanSteps.reported(state, cmd.report(), now()))).thenNoReply())
        .onCommand(TaskNotAnswered.class, (state, cmd) -> then(() ->
            context.getLog().debug("Task {} of plan {} did not answer ({}); the plan's next check asks again", cmd.taskId(), cmd.planId(), cmd.problem())))
        .onCommand(PlanCheckDue.class, (state, cmd) -> then(() -> tasks.resend(state)))
        .onCommand(GetSummary.class, owner((state, cmd) -> answer(cmd, state.summary())))
        .onCommand(JoinWithoutToken.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            state.clientId() != null && cmd.clientIds().contains(state.clientId()) ? StatusReply.success(state.summary()) : SessionError.NOT_FOUND.reply()))
        .onCommand(GetHistory.class, owner((state, cmd) ->
            answer(cmd, new History(sessionId, state.messages(), state.lastActivity(), state.currentAgent()))))
        .onCommand(GetPendingApprovals.class, owner((state, cmd) ->
            answer(cmd, new PendingApprovals(sessionId, state.approvals().stream().filter(SessionState.Approval::isPending).toList()))))
        .onCommand(PostUserMessage.class, owner(this::onPostUserMessage))
        .onCommand(SwitchAgent.class, owner(this::onSwitchAgent))
        .onCommand(SwitchChecked.class, this::onSwitchChecked)
        .onCommand(AgentAnswered.class, (state, cmd) -> persist(turns.agentAnswered(state, cmd)).thenNoReply())
        .onCommand(MemoriesRecalled.class, (state, cmd) -> then(() -> turns.memoriesRecalled(state, cmd)))
        .onCommand(RecordToolResult.class, owner(this::onRecordToolResult))
        .onCommand(Decide.class, owner(this::onDecide))
        .onCommand(CheckApprovalRules.class, (state, cmd) -> then(() -> rules.askAboutPending(state)))
        .onCommand(RuleAnswered.class, this::onRuleAnswered)
        .onCommand(ExpireApproval.class, (state, cmd) -> persist(turns.continueOrStop(state, timers.expire(state, cmd))).thenNoReply())
        .onCommand(ToolCallTimedOut.class, (state, cmd) -> persist(turns.continueOrStop(state, timers.timeOut(state, cmd))).thenNoReply())
        // what is overdue is settled now; a model call lost with its node was found by the recovery this message caused
        .onCommand(Wake.class, (state, cmd) -> then(() -> {
          timers.settleOverdue(state, context.getSelf());
          tasks.resend(state);
        }))
        .onCommand(Idle.class, this::onIdle)
        .onCommand(CancelTurn.class, owner(this::onCancelTurn))
        .onCommand(Rename.class, owner((state, cmd) -> decided(Conversation.rename(state, cmd, now()), state, cmd, SessionState::summary)))
        .onCommand(Archive.class, owner((state, cmd) -> decided(Outcome.of(new SessionArchived(now())), state, cmd, SessionState::summary)))
        .onCommand(Subscribe.class, (state, cmd) -> then(() -> {
          if (state.isOwnedBy(cmd.userId())) subscriptions.subscribe(state, cmd.afterSeq(), cmd.subscriber(), turns.deltasSoFar());
          else subscriptions.refuse(cmd.subscriber());
        }))
        .onCommand(Unsubscribe.class, cmd -> then(() -> subscriptions.gone(cmd.subscriber())))
        .onCommand(SubscriberGone.class, cmd -> then(() -> subscriptions.gone(cmd.subscriber())))
        .onCommand(CatchUpLoaded.class, (state, cmd) -> then(() -> subscriptions.catchUpLoaded(state, cmd, turns.deltasSoFar())))
        .onCommand(ModelStreamStarted.class, cmd -> then(() -> turns.streamStarted(cmd)))
        .onCommand(ModelOutput.class, cmd -> then(() -> turns.output(cmd).ifPresent(subscriptions::publish)))
        .onCommand(ModelStreamEnded.class, (state, cmd) -> persist(turns.streamEnded(state, cmd)).thenNoReply())
        .onCommand(ModelStreamFailed.class, (state, cmd) -> persist(turns.streamFailed(state, cmd)).thenNoReply())
        .onCommand(InterruptedTurnFound.class, (state, cmd) -> persist(turns.interrupted(state, cmd)).thenNoReply());

    return unborn.orElse(archived).orElse(created).build();
  }

  // ---------------------------------------------------------------- conversation

  private ReplyEffect<Event, SessionState> onCreate(SessionState state, Create cmd) {
    Optional<AgentProfile> role = AgentProfile.ofType(cmd.agentType() == null ? AgentProfile.DEFAULT.type() : cmd.agentType());
    if (cmd.agentId() == null && role.isEmpty()) return Effect().reply(cmd.replyTo(), SessionError.UNKNOWN_AGENT.reply());
    String agentId = cmd.agentId() != null ? cmd.agentId() : StarterTeam.agentId(cmd.projectId(), role.get());
    String roleName = cmd.agentId() != null && cmd.agentType() != null ? cmd.agentType() : role.map(AgentProfile::type).orElse(cmd.agentType());
    String title = cmd.title() == null || cmd.title().isBlank() ? "New session" : cmd.title().strip();
    SessionCreated created = new SessionCreated(sessionId, cmd.userId(), cmd.projectId(), title, roleName, agentId, cmd.clientId(), now());
    return Effect().persist(created).thenReply(cmd.replyTo(), newState -> StatusReply.success(newState.summary()));
  }

  /**
   * A plan's task: the session is made for it and its message accepted in one write; its turn starts
   * as any turn does, and it reports to its parent when the turn ends.
   */
  private ReplyEffect<Event, SessionState> onStartTask(SessionState state, StartTask cmd) {
    List<Event> events = List.of(
        new TaskSessionCreated(sessionId, cmd.ownerId(), cmd.projectId(), cmd.title(), cmd.agentRole(), cmd.agentId(), cmd.parentSessionId(),
            cmd.planId(), cmd.taskId(), now()),
        new UserMessageAccepted("task:" + cmd.planId() + ":" + cmd.taskId(), cmd.message(), now()));
    return persist(events).thenReply(cmd.replyTo(), newState -> StatusReply.success(TaskDispatch.report(newState)));
  }

  /** A cancel that comes before the task: the session is made for it, already cancelled, so the task never runs. */
  private ReplyEffect<Event, SessionState> onCancelTaskFirst(SessionState state, CancelTask cmd) {
    List<Event> events = List.of(
        new TaskSessionCreated(sessionId, cmd.ownerId(), cmd.projectId(), cmd.title(), cmd.agentRole(), cmd.agentId(), cmd.parentSessionId(),
            cmd.planId(), cmd.taskId(), now()),
        new TaskCancelled(now()));
    return persist(events).thenReply(cmd.replyTo(), newState -> StatusReply.success(TaskDispatch.report(newState)));
  }

  /** The task's turn is cancelled as a person's cancel would; a message still waiting for its agent is dropped. */
  private ReplyEffect<Event, SessionState> onCancelTask(SessionState state, CancelTask cmd) {
    SessionState.TaskOf task = state.task();
    if (task == null || !task.planId().equals(cmd.planId()) || !task.taskId().equals(cmd.taskId())) {
      return Effect().reply(cmd.replyTo(), SessionError.ALREADY_EXISTS.reply());
    }
    if (task.status().ended()) return Effect().reply(cmd.replyTo(), StatusReply.success(TaskDispatch.report(state)));
    List<Event> events = state.hasRunningTurn() ? turns.cancelTurn(state, null) : List.of(new TaskCancelled(now()));
    return persist(events).thenReply(cmd.replyTo(), newState -> StatusReply.success(TaskDispatch.report(newState)));
  }

  /** The parent asks again (it restarted, or lost the answer): how the task stands; any other session is not a task's. */
  private ReplyEffect<Event, SessionState> onStartTaskAgain(SessionState state, StartTask cmd) {
    SessionState.TaskOf task = state.task();
    if (task == null || !task.planId().equals(cmd.planId()) || !task.taskId().equals(cmd.taskId())) {
      return Effect().reply(cmd.replyTo(), SessionError.ALREADY_EXISTS.reply());
    }
    return Effect().reply(cmd.replyTo(), StatusReply.success(TaskDispatch.report(state)));
  }

  /** A switch by role is decided here; a switch by agent id first asks that agent whether it may answer in this session. */
  private ReplyEffect<Event, SessionState> onSwitchAgent(SessionState state, SwitchAgent cmd) {
    if (state.task() != null) return refuse(cmd, SessionError.TASK_SESSION);
    if (cmd.agentId() == null) return decided(Conversation.agentSwitch(state, cmd, now()), state, cmd, s -> Done.getInstance());
    context.askWithStatus(
        Agent.ForTurn.class,
        agents.agent(cmd.agentId()),
        settings.agentTimeout(),
        replyTo -> new Agent.GetForTurn(state.ownerId(), state.projectId(), null, replyTo),
        (found, failure) -> new SwitchChecked(cmd, found, failure == null ? null : switchRefusal(failure)));
    return Effect().noReply();
  }

  private ReplyEffect<Event, SessionState> onSwitchChecked(SessionState state, SwitchChecked checked) {
    SwitchAgent cmd = checked.switchAgent();
    if (checked.refusal() != null) return refuse(cmd, checked.refusal());
    if (state.archived()) return refuse(cmd, SessionError.ARCHIVED);
    return decided(Conversation.agentSwitch(state, cmd, checked.agent(), now()), state, cmd, s -> Done.getInstance());
  }

  private static SessionError switchRefusal(Throwable failure) {
    Optional<AgentError> refusal = Refusal.reason(failure).flatMap(AgentError::ofMessage);
    if (refusal.isPresent() && refusal.get() == AgentError.ARCHIVED) return SessionError.AGENT_ARCHIVED;
    if (refusal.isPresent()) return SessionError.AGENT_NOT_FOUND;
    return SessionError.AGENT_UNAVAILABLE;
  }

  private ReplyEffect<Event, SessionState> onPostUserMessage(SessionState state, PostUserMessage cmd) {
    Optional<SessionState.RecentOperation> seen = state.recentOperation(cmd.operationId());
    if (seen.isPresent()) return answer(cmd, new Accepted(seen.get().seq(), cmd.operationId(), cmd.content(), true));
    if (state.task() != null) return refuse(cmd, SessionError.TASK_SESSION);
    if (cmd.traceId() != null) turns.traceWith(cmd.traceId());
    Outcome accepted = Conversation.message(state, cmd, now());
    long acceptedSeq = state.lastSeq() + accepted.events().size();
    // the message waits in the queue until its turn starts, after its agent's answer: the agent is asked
    // while the message is written (its answer waits, stashed, until the write is done)
    if (accepted.refusal() == null && !state.hasRunningTurn()) turns.continueTurn(state.applyAll(accepted.events()));
    return decided(accepted, state, cmd, s -> new Accepted(acceptedSeq, cmd.operationId(), cmd.content(), false));
  }

  /** Cancelling stops the model call, rejects the turn's waiting approvals, and ends the turn. */
  private ReplyEffect<Event, SessionState> onCancelTurn(SessionState state, CancelTurn cmd) {
    if (state.recentOperation(cmd.operationId()).isPresent()) return answer(cmd, Done.getInstance());
    if (!state.hasRunningTurn()) return refuse(cmd, SessionError.NO_RUNNING_TURN);
    return persist(turns.cancelTurn(state, cmd.operationId())).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  // ---------------------------------------------------------------- tool calls and approvals

  /** A retry of an answer already recorded (the same operation id) is acknowledged again, and changes nothing. */
  private ReplyEffect<Event, SessionState> onRecordToolResult(SessionState state, RecordToolResult cmd) {
    if (state.recentOperation(cmd.operationId()).isPresent()) return answer(cmd, Done.getInstance());
    return decided(ToolCallAnswers.result(state, cmd, now()).then(events -> turns.continueOrStop(state, events)), state, cmd, s -> Done.getInstance());
  }

  /** A retry of a decision already recorded is answered with the decision that was recorded. */
  private ReplyEffect<Event, SessionState> onDecide(SessionState state, Decide cmd) {
    if (state.recentOperation(cmd.operationId()).isPresent()) {
      String decided = state.approval(cmd.callId()).map(a -> a.status().word()).orElse(cmd.decision());
      return answer(cmd, new Decision(cmd.callId(), decided));
    }
    return decided(ToolCallAnswers.decision(state, cmd, settings.plans(), now()).then(events -> turns.continueOrStop(state, events)), state, cmd,
        s -> new Decision(cmd.callId(), cmd.decision()));
  }

  /**
   * A rule approves the call as a person's approval would, with the rule's id; unless the approval was
   * decided meanwhile (by a person, the deadline, a cancel). No rule, or no answer: it waits for a person.
   */
  private ReplyEffect<Event, SessionState> onRuleAnswered(SessionState state, RuleAnswered answered) {
    if (answered.ruleId() == null) return Effect().noReply();
    Outcome approved = ToolCallAnswers.byRule(state, answered, now());
    if (approved.refusal() != null) return Effect().noReply();
    return persist(turns.continueOrStop(state, approved.events())).thenNoReply();
  }

  private ReplyEffect<Event, SessionState> onIdle(SessionState state, Idle cmd) {
    if (shard != null && !state.hasRunningTurn() && turns.isIdle() && subscriptions.isEmpty()) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().noReply();
  }

  // ---------------------------------------------------------------- effects

  /** Persists events, then tells subscribers, follows the deadlines, and starts a model call the turn now needs. */
  private EffectBuilder<Event, SessionState> persist(List<Event> events) {
    // nothing to persist must not start a model call: a recovered turn waits for its InterruptedTurnFound
    if (events.isEmpty()) return Effect().none();
    long writing = System.nanoTime();
    return Effect().persist(events).thenRun(newState -> {
      SessionMeters.journalWritten(writing);
      countTurns(events);
      subscriptions.publish(events, newState);
      timers.follow(events);
      rules.askAbout(events, newState);
      tasks.after(events, newState);
      turns.continueTurn(newState);
    });
  }

  /** Turns that started and ended, for the node's figures (in memory: a turn recovered on another node is timed from there). */
  private void countTurns(List<Event> events) {
    for (Event event : events) {
      if (event instanceof TurnStarted started) turnStartedAt = started.at();
      else if (event instanceof TurnCompleted e) SessionMeters.turnEnded("completed", turnStartedAt, e.at());
      else if (event instanceof TurnFailed e) SessionMeters.turnEnded("failed", turnStartedAt, e.at());
      else if (event instanceof TurnCancelled e) SessionMeters.turnEnded("cancelled", turnStartedAt, e.at());
      else if (event instanceof TaskStarted) SessionMeters.taskStarted();
      else if (event instanceof TaskCompleted) SessionMeters.taskEnded("completed");
      else if (event instanceof TaskFailed) SessionMeters.taskEnded("failed");
    }
  }

  /** Refuses the command, or persists what it came to and answers with {@code reply} of the state after it. */
  private <T> ReplyEffect<Event, SessionState> decided(Outcome outcome, SessionState state, FromUser<T> cmd, Function<SessionState, T> reply) {
    if (outcome.refusal() != null) return refuse(cmd, outcome.refusal());
    if (outcome.events().isEmpty()) return answer(cmd, reply.apply(state));
    return persist(outcome.events()).thenReply(cmd.replyTo(), newState -> StatusReply.success(reply.apply(newState)));
  }

  /** {@code handler} for the session's owner; for anyone else the same "not found" as for no session. */
  private <C extends FromUser<?>> BiFunction<SessionState, C, ReplyEffect<Event, SessionState>> owner(
      BiFunction<SessionState, C, ReplyEffect<Event, SessionState>> handler) {
    return (state, cmd) -> state.isOwnedBy(cmd.userId()) ? handler.apply(state, cmd) : notFound(cmd);
  }

  private <T> ReplyEffect<Event, SessionState> answer(FromUser<T> cmd, T reply) {
    return Effect().reply(cmd.replyTo(), StatusReply.success(reply));
  }

  private <T> ReplyEffect<Event, SessionState> refuse(FromUser<T> cmd, SessionError error) {
    return Effect().reply(cmd.replyTo(), error.reply());
  }

  /** For what only this node's memory takes in: subscribers, the model's stream, timers. */
  private ReplyEffect<Event, SessionState> then(Runnable action) {
    action.run();
    return Effect().noReply();
  }

  private ReplyEffect<Event, SessionState> notFound(FromUser<?> cmd) {
    return refuse(cmd, SessionError.NOT_FOUND);
  }

  private Instant now() {
    return clock.instant();
  }
}
