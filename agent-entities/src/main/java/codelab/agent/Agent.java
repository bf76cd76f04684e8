package codelab.agent;

import codelab.JsonSerializable;
import codelab.ListPage;
import codelab.llm.ModelCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
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
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * An agent of a project: its configuration as versions (every change is a new version, every version
 * stays readable, a rollback is a new version equal to an old one) and its status. Every command
 * names the caller; anyone but the owner of the agent's project gets {@link AgentError#NOT_FOUND}.
 *
 * <p>A session asks for the agent's current version at each turn start ({@link GetForTurn}). The
 * starter team's agents come into being on that first ask too, from their template, when their
 * project was made before agents were entities ({@link StarterTeam}).
 */
public final class Agent extends EventSourcedBehaviorWithEnforcedReplies<Agent.Command, Agent.Event, Agent.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Agent");

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends JsonSerializable {}

  /** Creating an agent the caller already has in that project answers it: a team is formed again after a timeout. */
  public record Create(String userId, String projectId, AgentConfiguration configuration, ActorRef<StatusReply<View>> replyTo)
      implements Command {}

  public record Get(String userId, ActorRef<StatusReply<View>> replyTo) implements Command {}

  /** A change to nothing, or to what the agent already is, makes no version. */
  public record Configure(String userId, AgentConfiguration.Change change, ActorRef<StatusReply<View>> replyTo) implements Command {}

  public record GetVersion(String userId, int version, ActorRef<StatusReply<Version>> replyTo) implements Command {}

  public record ListVersions(String userId, int offset, int limit, ActorRef<StatusReply<VersionPage>> replyTo) implements Command {}

  public record Rollback(String userId, int version, ActorRef<StatusReply<View>> replyTo) implements Command {}

  public record Archive(String userId, ActorRef<StatusReply<View>> replyTo) implements Command {}

  /**
   * From a session at its turn start: the version that answers ({@code version} null: the current
   * one; a number: that one, for a turn that started with it). The session names its owner and
   * project, so an agent of another project never answers for it.
   */
  public record GetForTurn(String ownerId, String projectId, Integer version, ActorRef<StatusReply<ForTurn>> replyTo)
      implements Command {}

  // ---------------------------------------------------------------- replies

  public record View(
      String agentId, String projectId, AgentConfiguration configuration, int version, boolean archived, Instant createdAt,
      Instant updatedAt)
      implements JsonSerializable {}

  /** {@code rolledBackFrom}: the version this one restored, if it is a rollback. */
  public record Version(int version, AgentConfiguration configuration, Integer rolledBackFrom, Instant at) implements JsonSerializable {}

  public record VersionPage(List<Version> versions, int total) implements JsonSerializable {}

  public record ForTurn(String agentId, int version, AgentConfiguration configuration) implements JsonSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends JsonSerializable {}

  public record AgentCreated(String projectId, String ownerId, AgentConfiguration configuration, Instant at) implements Event {}

  public record AgentConfigured(int version, AgentConfiguration configuration, Integer rolledBackFrom, Instant at) implements Event {}

  public record AgentArchived(Instant at) implements Event {}

  // ---------------------------------------------------------------- state

  /** {@code versions}: every version, the first at index 0 (version 1). */
  public record State(String projectId, String ownerId, List<Version> versions, boolean archived, Instant createdAt, Instant updatedAt)
      implements JsonSerializable {
    boolean exists() {
      return ownerId != null;
    }

    boolean isOwnedBy(String userId) {
      return exists() && ownerId.equals(userId);
    }

    Version current() {
      return versions.get(versions.size() - 1);
    }

    Optional<Version> version(int n) {
      return n >= 1 && n <= versions.size() ? Optional.of(versions.get(n - 1)) : Optional.empty();
    }
  }

  // ---------------------------------------------------------------- behavior

  public static void init(ActorSystem<?> system, ModelCatalog models, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), models, clock)));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, String agentId) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, agentId);
  }

  public static Behavior<Command> create(String agentId, ModelCatalog models, Clock clock) {
    return new Agent(agentId, models, clock);
  }

  private final String agentId;
  private final ModelCatalog models;
  private final Clock clock;

  private Agent(String agentId, ModelCatalog models, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), agentId));
    this.agentId = agentId;
    this.models = models;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, null, List.of(), false, null, null);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> unborn =
        newCommandHandlerWithReplyBuilder().forState(state -> !state.exists());
    unborn
        .onCommand(Create.class, this::onCreate)
        .onCommand(GetForTurn.class, this::onFirstTurn)
        .onCommand(Get.class, cmd -> notFound(cmd.replyTo()))
        .onCommand(Configure.class, cmd -> notFound(cmd.replyTo()))
        .onCommand(GetVersion.class, cmd -> notFound(cmd.replyTo()))
        .onCommand(ListVersions.class, cmd -> notFound(cmd.replyTo()))
        .onCommand(Rollback.class, cmd -> notFound(cmd.replyTo()))
        .onCommand(Archive.class, cmd -> notFound(cmd.replyTo()));

    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> born =
        newCommandHandlerWithReplyBuilder().forState(State::exists);
    born.onCommand(Create.class, (state, cmd) ->
            state.isOwnedBy(cmd.userId()) && state.projectId().equals(cmd.projectId())
                ? answer(cmd.replyTo(), view(state))
                : Effect().reply(cmd.replyTo(), AgentError.ALREADY_EXISTS.reply()))
        .onCommand(Get.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () -> answer(cmd.replyTo(), view(state))))
        .onCommand(Configure.class, this::onConfigure)
        .onCommand(GetVersion.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () ->
            state.version(cmd.version())
                .map(v -> answer(cmd.replyTo(), v))
                .orElseGet(() -> Effect().reply(cmd.replyTo(), AgentError.VERSION_NOT_FOUND.reply()))))
        .onCommand(ListVersions.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () ->
            answer(cmd.replyTo(), new VersionPage(ListPage.newestFirst(state.versions(), cmd.offset(), cmd.limit()), state.versions().size()))))
        .onCommand(Rollback.class, this::onRollback)
        .onCommand(Archive.class, (state, cmd) -> owned(state, cmd.userId(), cmd.replyTo(), () ->
            state.archived()
                ? answer(cmd.replyTo(), view(state))
                : Effect().persist(new AgentArchived(now())).thenReply(cmd.replyTo(), s -> StatusReply.success(view(s)))))
        .onCommand(GetForTurn.class, this::onTurn);

    return unborn.orElse(born).build();
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    if (!cmd.configuration().problems(models).isEmpty()) return Effect().reply(cmd.replyTo(), AgentError.INVALID_CONFIGURATION.reply());
    return Effect()
        .persist(new AgentCreated(cmd.projectId(), cmd.userId(), cmd.configuration(), now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(view(s)));
  }

  /** Only a starter agent comes into being on a session's first ask: any other id was never created. */
  private ReplyEffect<Event, State> onFirstTurn(State state, GetForTurn cmd) {
    Optional<AgentProfile> role = StarterTeam.roleOf(cmd.projectId(), agentId);
    if (role.isEmpty()) return notFound(cmd.replyTo());
    return Effect()
        .persist(new AgentCreated(cmd.projectId(), cmd.ownerId(), role.get().template(), now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(forTurn(s.current())));
  }

  private ReplyEffect<Event, State> onTurn(State state, GetForTurn cmd) {
    if (!state.isOwnedBy(cmd.ownerId()) || !state.projectId().equals(cmd.projectId())) return notFound(cmd.replyTo());
    if (cmd.version() != null) {
      return state.version(cmd.version())
          .map(v -> answer(cmd.replyTo(), forTurn(v)))
          .orElseGet(() -> Effect().reply(cmd.replyTo(), AgentError.VERSION_NOT_FOUND.reply()));
    }
    if (state.archived()) return Effect().reply(cmd.replyTo(), AgentError.ARCHIVED.reply());
    return answer(cmd.replyTo(), forTurn(state.current()));
  }

  private ReplyEffect<Event, State> onConfigure(State state, Configure cmd) {
    return owned(state, cmd.userId(), cmd.replyTo(), () -> newVersion(state, state.current().configuration().with(cmd.change()), null, cmd.replyTo()));
  }

  private ReplyEffect<Event, State> onRollback(State state, Rollback cmd) {
    return owned(state, cmd.userId(), cmd.replyTo(), () ->
        state.version(cmd.version())
            .map(v -> newVersion(state, v.configuration(), v.version(), cmd.replyTo()))
            .orElseGet(() -> Effect().reply(cmd.replyTo(), AgentError.VERSION_NOT_FOUND.reply())));
  }

  /** A rollback to what the agent already is still records the rollback: the user asked for it by number. */
  private ReplyEffect<Event, State> newVersion(State state, AgentConfiguration next, Integer rolledBackFrom, ActorRef<StatusReply<View>> replyTo) {
    if (state.archived()) return Effect().reply(replyTo, AgentError.ARCHIVED.reply());
    if (!next.problems(models).isEmpty()) return Effect().reply(replyTo, AgentError.INVALID_CONFIGURATION.reply());
    if (rolledBackFrom == null && next.equals(state.current().configuration())) return answer(replyTo, view(state));
    return Effect()
        .persist(new AgentConfigured(state.versions().size() + 1, next, rolledBackFrom, now()))
        .thenReply(replyTo, s -> StatusReply.success(view(s)));
  }

  private <T> ReplyEffect<Event, State> owned(State state, String userId, ActorRef<StatusReply<T>> replyTo, Supplier<ReplyEffect<Event, State>> effect) {
    return state.isOwnedBy(userId) ? effect.get() : notFound(replyTo);
  }

  private <T> ReplyEffect<Event, State> answer(ActorRef<StatusReply<T>> replyTo, T value) {
    return Effect().reply(replyTo, StatusReply.success(value));
  }

  private <T> ReplyEffect<Event, State> notFound(ActorRef<StatusReply<T>> replyTo) {
    return Effect().reply(replyTo, AgentError.NOT_FOUND.reply());
  }

  private View view(State state) {
    return new View(agentId, state.projectId(), state.current().configuration(), state.versions().size(), state.archived(),
        state.createdAt(), state.updatedAt());
  }

  private ForTurn forTurn(Version version) {
    return new ForTurn(agentId, version.version(), version.configuration());
  }

  private Instant now() {
    return clock.instant();
  }

  // ---------------------------------------------------------------- events

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(AgentCreated.class, (s, e) ->
            new State(e.projectId(), e.ownerId(), List.of(new Version(1, e.configuration(), null, e.at())), false, e.at(), e.at()))
        .onEvent(AgentConfigured.class, (s, e) -> {
          List<Version> versions = new ArrayList<>(s.versions());
          versions.add(new Version(e.version(), e.configuration(), e.rolledBackFrom(), e.at()));
          return new State(s.projectId(), s.ownerId(), List.copyOf(versions), s.archived(), s.createdAt(), e.at());
        })
        .onEvent(AgentArchived.class, (s, e) -> new State(s.projectId(), s.ownerId(), s.versions(), true, s.createdAt(), e.at()))
        .build();
  }
}
