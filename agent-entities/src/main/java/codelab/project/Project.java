package codelab.project;

import codelab.JsonSerializable;
import codelab.ListPage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * A user's project: a named folder of sessions. Every command names the caller, and the project
 * answers {@link ProjectError#NOT_FOUND} to anyone but its owner (and to everyone once deleted), so ownership is
 * enforced where the data lives, not only in the routes.
 */
public final class Project extends EventSourcedBehaviorWithEnforcedReplies<Project.Command, Project.Event, Project.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Project");

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

  public record Summary(String projectId, String name, String description, int sessionCount, Instant createdAt, Instant updatedAt)
      implements JsonSerializable {}

  public record SessionPage(List<String> sessionIds, int total) implements JsonSerializable {}

  /** The project's agents beyond its starter team, oldest first. */
  public record AgentIds(List<String> agentIds) implements JsonSerializable {}

  public sealed interface Event extends JsonSerializable {}

  public record ProjectCreated(String ownerId, String name, String description, Instant at) implements Event {}

  public record ProjectUpdated(String name, String description, Instant at) implements Event {}

  public record ProjectDeleted(Instant at) implements Event {}

  public record SessionAdded(String sessionId, Instant at) implements Event {}

  public record AgentAdded(String agentId, Instant at) implements Event {}

  /** {@code agentIds}: the agents added beyond the starter team (null in snapshots from before agents were entities). */
  public record State(
      String ownerId, String name, String description, Instant createdAt, Instant updatedAt, boolean deleted, List<String> sessionIds,
      List<String> agentIds)
      implements JsonSerializable {
    public State {
      agentIds = agentIds == null ? List.of() : agentIds;
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
    return new State(null, null, null, null, null, false, List.of(), List.of());
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
        .onCommand(ListAgents.class, cmd -> Effect().reply(cmd.replyTo(), ProjectError.NOT_FOUND.reply()));

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
            Effect().reply(cmd.replyTo(), StatusReply.success(new AgentIds(state.agentIds())))));

    return unborn.orElse(born).build();
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
        .onEvent(ProjectCreated.class, (s, e) -> new State(e.ownerId(), e.name(), e.description(), e.at(), e.at(), false, List.of(), List.of()))
        .onEvent(ProjectUpdated.class, (s, e) ->
            new State(s.ownerId(), e.name(), e.description(), s.createdAt(), e.at(), s.deleted(), s.sessionIds(), s.agentIds()))
        .onEvent(ProjectDeleted.class, (s, e) ->
            new State(s.ownerId(), s.name(), s.description(), s.createdAt(), e.at(), true, s.sessionIds(), s.agentIds()))
        .onEvent(AgentAdded.class, (s, e) ->
            new State(s.ownerId(), s.name(), s.description(), s.createdAt(), e.at(), s.deleted(), s.sessionIds(), append(s.agentIds(), e.agentId())))
        .onEvent(
            SessionAdded.class,
            (s, e) -> new State(s.ownerId(), s.name(), s.description(), s.createdAt(), e.at(), s.deleted(), append(s.sessionIds(), e.sessionId()), s.agentIds()));
    return builder.build();
  }

  private static List<String> append(List<String> ids, String id) {
    List<String> more = new ArrayList<>(ids);
    more.add(id);
    return List.copyOf(more);
  }
}
