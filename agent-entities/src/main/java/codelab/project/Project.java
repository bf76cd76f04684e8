package codelab.project;

import codelab.JsonSerializable;
import codelab.ListPage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A user's project: a named folder of sessions, with its agents beyond the starter team and its
 * approval rules (remembered approvals, {@link ApprovalRule}). Every command names the caller, and the project
 * answers {@link ProjectError#NOT_FOUND} to anyone but its owner (and to everyone once deleted), so ownership is
 * enforced where the data lives, not only in the routes.
 *
 * <p>The project's clock decides when a rule expires: an expired rule approves nothing, is neither
 * listed nor deletable, and is dropped from the state by the next rule event.
 */
public final class Project extends EventSourcedBehaviorWithEnforcedReplies<Project.Command, Project.Event, Project.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Project");

  /** Live approval rules a project holds at most: each approval request is matched against all of them. */
  static final int MAX_LIVE_RULES = 100;

  public sealed interface Command extends JsonSerializable {}

  /** Creating a project the caller already owns answers its summary: the default project is created on first use, maybe twice. */
  public record Create(String userId, String name, String description, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  public record Get(String userId, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  /** Null fields are left as they are. */
  public record Update(String userId, String name, String description, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  public record Delete(String userId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record AddSession(String userId, String sessionId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record ListSessions(String userId, int offset, int limit, ActorRef<StatusReply<SessionPage>> replyTo) implements Command {}

  /** An agent made for this project beyond its starter team (whose ids derive from the project's). */
  public record AddAgent(String userId, String agentId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record ListAgents(String userId, ActorRef<StatusReply<AgentIds>> replyTo) implements Command {}

  /**
   * A rule made by a decision on call {@code callId} of session {@code sessionId}, living for
   * {@code ttl} from now. Adding the same rule id again answers the rule as it is (a retry).
   */
  public record AddApprovalRule(
      String userId, String ruleId, RuleScope scope, ApprovalRuleMatch match, String sessionId, String callId, Duration ttl,
      ActorRef<StatusReply<ApprovalRule>> replyTo)
      implements Command {}

  /** Only a live rule is deleted; one that expired or was deleted is not found. */
  public record DeleteApprovalRule(String userId, String ruleId, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record ListApprovalRules(String userId, int offset, int limit, ActorRef<StatusReply<ApprovalRulePage>> replyTo) implements Command {}

  /**
   * From session {@code sessionId} of {@code ownerId}, which asks for a human's approval of a call:
   * the oldest live rule that approves it now, if any.
   */
  public record MatchApprovalRule(
      String ownerId, String sessionId, String toolName, String argumentsJson, ActorRef<StatusReply<RuleMatch>> replyTo)
      implements Command {}

  public record Summary(String projectId, String name, String description, int sessionCount, Instant createdAt, Instant updatedAt)
      implements JsonSerializable {}

  public record SessionPage(List<String> sessionIds, int total) implements JsonSerializable {}

  /** The project's agents beyond its starter team, oldest first. */
  public record AgentIds(List<String> agentIds) implements JsonSerializable {}

  /** Live rules, newest first; {@code total}: how many live rules there are. */
  public record ApprovalRulePage(List<ApprovalRule> rules, int total) implements JsonSerializable {}

  /** {@code ruleId}: the rule that approves the call; null when none does. */
  public record RuleMatch(String ruleId) implements JsonSerializable {}

  public sealed interface Event extends JsonSerializable {}

  public record ProjectCreated(String ownerId, String name, String description, Instant at) implements Event {}

  public record ProjectUpdated(String name, String description, Instant at) implements Event {}

  public record ProjectDeleted(Instant at) implements Event {}

  public record SessionAdded(String sessionId, Instant at) implements Event {}

  public record AgentAdded(String agentId, Instant at) implements Event {}

  public record ApprovalRuleAdded(ApprovalRule rule, Instant at) implements Event {}

  public record ApprovalRuleDeleted(String ruleId, Instant at) implements Event {}

  /**
   * {@code agentIds}: the agents added beyond the starter team (null in snapshots from before agents
   * were entities); {@code approvalRules}: the rules, oldest first, maybe some expired since (null in
   * snapshots from before rules; version 3, {@link ProjectWithApprovalRules}).
   */
  public record State(
      String ownerId, String name, String description, Instant createdAt, Instant updatedAt, boolean deleted, List<String> sessionIds,
      List<String> agentIds, List<ApprovalRule> approvalRules)
      implements JsonSerializable {
    public State {
      agentIds = agentIds == null ? List.of() : agentIds;
      approvalRules = approvalRules == null ? List.of() : approvalRules;
    }

    List<ApprovalRule> liveRules(Instant at) {
      return approvalRules.stream().filter(rule -> rule.isLiveAt(at)).toList();
    }

    Optional<ApprovalRule> liveRule(String ruleId, Instant at) {
      return liveRules(at).stream().filter(rule -> rule.ruleId().equals(ruleId)).findFirst();
    }

    /** The state with these rules (expired ones dropped as of {@code at}), updated at {@code at}. */
    State withRules(List<ApprovalRule> rules, Instant at) {
      List<ApprovalRule> live = rules.stream().filter(rule -> rule.isLiveAt(at)).toList();
      return new State(ownerId, name, description, createdAt, at, deleted, sessionIds, agentIds, live);
    }

    boolean exists() {
      return ownerId != null && !deleted;
    }

    boolean isOwnedBy(String userId) {
      return exists() && ownerId.equals(userId);
    }
  }

  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), clock)));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, String projectId) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, projectId);
  }

  public static Behavior<Command> create(String projectId, Clock clock) {
    return new Project(projectId, clock);
  }

  private final String projectId;
  private final Clock clock;

  private Project(String projectId, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), projectId));
    this.projectId = projectId;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, null, null, null, null, false, List.of(), List.of(), List.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> unborn =
        newCommandHandlerWithReplyBuilder().forState(state -> state.ownerId() == null);
    unborn
        .onCommand(
            Create.class,
            cmd ->
                Effect()
                    .persist(new ProjectCreated(cmd.userId(), cmd.name(), cmd.description(), clock.instant()))
                    .thenReply(cmd.replyTo(), s -> StatusReply.success(summary(s))))
        .onCommand(Get.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(Update.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(Delete.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(AddSession.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(ListSessions.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(AddAgent.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(ListAgents.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(AddApprovalRule.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(DeleteApprovalRule.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(ListApprovalRules.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()))
        .onCommand(MatchApprovalRule.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()));

    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> born =
        newCommandHandlerWithReplyBuilder().forState(state -> state.ownerId() != null);
    born.onCommand(
            Create.class,
            (state, cmd) ->
                state.isOwnedBy(cmd.userId())
                    ? Effect().reply(cmd.replyTo(), StatusReply.success(summary(state)))
                    : Effect().reply(cmd.replyTo(), ProjectError.ALREADY_EXISTS.reply()))
        .onCommand(Get.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () -> Effect().reply(cmd.replyTo(), StatusReply.success(summary(state)))))
        .onCommand(Update.class, this::onUpdate)
        .onCommand(
            Delete.class,
            (state, cmd) ->
                owned(state, cmd.userId(), cmd.replyTo(), () -> Effect().persist(new ProjectDeleted(clock.instant())).thenReply(cmd.replyTo(), s -> StatusReply.ack())))
        .onCommand(AddSession.class, this::onAddSession)
        .onCommand(
            ListSessions.class,
            (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () -> Effect().reply(cmd.replyTo(), StatusReply.success(page(state, cmd)))))
        .onCommand(AddAgent.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () ->
            state.agentIds().contains(cmd.agentId())
                ? Effect().reply(cmd.replyTo(), StatusReply.ack())
                : Effect().persist(new AgentAdded(cmd.agentId(), clock.instant())).thenReply(cmd.replyTo(), s -> StatusReply.ack())))
        .onCommand(ListAgents.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () ->
            Effect().reply(cmd.replyTo(), StatusReply.success(new AgentIds(state.agentIds())))))
        .onCommand(AddApprovalRule.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () -> onAddApprovalRule(state, cmd)))
        .onCommand(DeleteApprovalRule.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () ->
            state.liveRule(cmd.ruleId(), clock.instant()).isEmpty()
                ? Effect().reply(cmd.replyTo(), ProjectError.RULE_NOT_FOUND.reply())
                : Effect().persist(new ApprovalRuleDeleted(cmd.ruleId(), clock.instant())).thenReply(cmd.replyTo(), s -> StatusReply.ack())))
        .onCommand(ListApprovalRules.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () -> {
          List<ApprovalRule> live = state.liveRules(clock.instant());
          ApprovalRulePage page = new ApprovalRulePage(ListPage.newestFirst(live, cmd.offset(), cmd.limit()), live.size());
          return Effect().reply(cmd.replyTo(), StatusReply.success(page));
        }))
        .onCommand(MatchApprovalRule.class, (state, cmd) -> owned(state, cmd.ownerId(), cmd.replyTo(), () -> {
          Instant now = clock.instant();
          String ruleId = state.approvalRules().stream()
              .filter(rule -> rule.approves(cmd.sessionId(), cmd.toolName(), cmd.argumentsJson(), now))
              .map(ApprovalRule::ruleId)
              .findFirst()
              .orElse(null);
          return Effect().reply(cmd.replyTo(), StatusReply.success(new RuleMatch(ruleId)));
        }));

    return unborn.orElse(born).build();
  }

  /** A rule the project would never apply is refused here too, whatever the workflow that sends it checked. */
  private ReplyEffect<Event, State> onAddApprovalRule(State state, AddApprovalRule cmd) {
    Instant now = clock.instant();
    Optional<ApprovalRule> added = state.liveRule(cmd.ruleId(), now);
    if (added.isPresent()) return Effect().reply(cmd.replyTo(), StatusReply.success(added.get()));
    boolean valid = cmd.match() != null && cmd.match().problems().isEmpty() && cmd.scope() != null && cmd.sessionId() != null
        && cmd.ttl() != null && cmd.ttl().compareTo(Duration.ZERO) > 0;
    if (!valid) return Effect().reply(cmd.replyTo(), ProjectError.INVALID_RULE.reply());
    if (state.liveRules(now).size() >= MAX_LIVE_RULES) return Effect().reply(cmd.replyTo(), ProjectError.TOO_MANY_RULES.reply());
    ApprovalRule rule =
        new ApprovalRule(cmd.ruleId(), cmd.scope(), cmd.match(), cmd.sessionId(), cmd.callId(), cmd.userId(), now, now.plus(cmd.ttl()));
    return Effect().persist(new ApprovalRuleAdded(rule, now)).thenReply(cmd.replyTo(), s -> StatusReply.success(rule));
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update cmd) {
    return owned(
        state, cmd.userId(), cmd.replyTo(),
        () -> {
          String name = cmd.name() != null ? cmd.name() : state.name();
          String description = cmd.description() != null ? cmd.description() : state.description();
          return Effect()
              .persist(new ProjectUpdated(name, description, clock.instant()))
              .thenReply(cmd.replyTo(), s -> StatusReply.success(summary(s)));
        });
  }

  private ReplyEffect<Event, State> onAddSession(State state, AddSession cmd) {
    return owned(
        state, cmd.userId(), cmd.replyTo(),
        () ->
            state.sessionIds().contains(cmd.sessionId())
                ? Effect().reply(cmd.replyTo(), StatusReply.ack())
                : Effect().persist(new SessionAdded(cmd.sessionId(), clock.instant())).thenReply(cmd.replyTo(), s -> StatusReply.ack()));
  }

  /** The effect for the owner; for anyone else (or a deleted project) the same "not found" as for no project. */
  private <T> ReplyEffect<Event, State> owned(
      State state, String userId, ActorRef<StatusReply<T>> replyTo, java.util.function.Supplier<ReplyEffect<Event, State>> effect) {
    if (!state.isOwnedBy(userId)) return Effect().reply(replyTo, ProjectError.NOT_FOUND.reply());
    return effect.get();
  }

  private Summary summary(State state) {
    return new Summary(projectId, state.name(), state.description(), state.sessionIds().size(), state.createdAt(), state.updatedAt());
  }

  private static SessionPage page(State state, ListSessions cmd) {
    return new SessionPage(ListPage.newestFirst(state.sessionIds(), cmd.offset(), cmd.limit()), state.sessionIds().size());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder
        .forAnyState()
        .onEvent(ProjectCreated.class, (s, e) ->
            new State(e.ownerId(), e.name(), e.description(), e.at(), e.at(), false, List.of(), List.of(), List.of()))
        .onEvent(ProjectUpdated.class, (s, e) ->
            new State(s.ownerId(), e.name(), e.description(), s.createdAt(), e.at(), s.deleted(), s.sessionIds(), s.agentIds(), s.approvalRules()))
        .onEvent(ProjectDeleted.class, (s, e) ->
            new State(s.ownerId(), s.name(), s.description(), s.createdAt(), e.at(), true, s.sessionIds(), s.agentIds(), s.approvalRules()))
        .onEvent(AgentAdded.class, (s, e) ->
            new State(s.ownerId(), s.name(), s.description(), s.createdAt(), e.at(), s.deleted(), s.sessionIds(), append(s.agentIds(), e.agentId()),
                s.approvalRules()))
        .onEvent(SessionAdded.class, (s, e) ->
            new State(s.ownerId(), s.name(), s.description(), s.createdAt(), e.at(), s.deleted(), append(s.sessionIds(), e.sessionId()), s.agentIds(),
                s.approvalRules()))
        .onEvent(ApprovalRuleAdded.class, (s, e) -> s.withRules(append(s.approvalRules(), e.rule()), e.at()))
        .onEvent(ApprovalRuleDeleted.class, (s, e) ->
            s.withRules(s.approvalRules().stream().filter(rule -> !rule.ruleId().equals(e.ruleId())).toList(), e.at()));
    return builder.build();
  }

  private static <T> List<T> append(List<T> list, T element) {
    List<T> more = new ArrayList<>(list);
    more.add(element);
    return List.copyOf(more);
  }
}
