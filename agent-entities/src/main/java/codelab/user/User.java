package codelab.user;

import codelab.JsonSerializable;
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
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A user's directory, keyed by user id: the sessions the user owns, newest first. Everything a
 * user owns hangs below this id; the entities themselves still check the owner on every command.
 */
public final class User extends EventSourcedBehaviorWithEnforcedReplies<User.Command, User.Event, User.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "User");

  public sealed interface Command extends JsonSerializable {}

  public record AddSession(String sessionId, ActorRef<Done> replyTo) implements Command {}

  /** A page of the user's session ids, newest first. */
  public record ListSessions(int offset, int limit, ActorRef<SessionPage> replyTo) implements Command {}

  public record SessionPage(List<String> sessionIds, int total) implements JsonSerializable {}

  public sealed interface Event extends JsonSerializable {}

  public record SessionAdded(String sessionId, Instant at) implements Event {}

  /** Session ids, oldest first (appending is cheap; pages are read from the end). */
  public record State(List<String> sessionIds) implements JsonSerializable {}

  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), clock)));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, String userId) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, userId);
  }

  public static Behavior<Command> create(String userId, Clock clock) {
    return new User(userId, clock);
  }

  private final Clock clock;

  private User(String userId, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), userId));
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            AddSession.class,
            (state, cmd) ->
                state.sessionIds().contains(cmd.sessionId())
                    ? Effect().reply(cmd.replyTo(), Done.getInstance())
                    : Effect()
                        .persist(new SessionAdded(cmd.sessionId(), clock.instant()))
                        .thenReply(cmd.replyTo(), s -> Done.getInstance()))
        .onCommand(ListSessions.class, (state, cmd) -> Effect().reply(cmd.replyTo(), page(state, cmd)))
        .build();
  }

  private static SessionPage page(State state, ListSessions cmd) {
    List<String> ids = state.sessionIds();
    List<String> page = new ArrayList<>();
    for (int i = ids.size() - 1 - cmd.offset(); i >= 0 && page.size() < cmd.limit(); i--) page.add(ids.get(i));
    return new SessionPage(page, ids.size());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder
        .forAnyState()
        .onEvent(
            SessionAdded.class,
            (state, e) -> {
              List<String> ids = new ArrayList<>(state.sessionIds());
              ids.add(e.sessionId());
              return new State(List.copyOf(ids));
            });
    return builder.build();
  }
}
