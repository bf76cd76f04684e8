package codelab.user;

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
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A user's directory, keyed by user id: the sessions and projects the user owns, and the refresh
 * token families of their logins (to end them all at once). Everything a user owns hangs below this
 * id; the entities themselves still check the owner on every command.
 */
public final class User extends EventSourcedBehaviorWithEnforcedReplies<User.Command, User.Event, User.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "User");

  public sealed interface Command extends JsonSerializable {}

  public record AddSession(String sessionId, ActorRef<Done> replyTo) implements Command {}

  /** A page of the user's session ids, newest first. */
  public record ListSessions(int offset, int limit, ActorRef<SessionPage> replyTo) implements Command {}

  public record SessionPage(List<String> sessionIds, int total) implements JsonSerializable {}

  public record AddProject(String projectId, ActorRef<Done> replyTo) implements Command {}

  /** A page of the user's project ids, oldest first (the default project leads). */
  public record ListProjects(int offset, int limit, ActorRef<ProjectPage> replyTo) implements Command {}

  public record ProjectPage(List<String> projectIds, int total) implements JsonSerializable {}

  public record AddLogin(String familyId, ActorRef<Done> replyTo) implements Command {}

  /** Every login's refresh-token family, forgotten here once handed out: logging out everywhere revokes them all. */
  public record EndAllLogins(ActorRef<List<String>> replyTo) implements Command {}

  public sealed interface Event extends JsonSerializable {}

  public record SessionAdded(String sessionId, Instant at) implements Event {}

  public record ProjectAdded(String projectId, Instant at) implements Event {}

  public record LoginAdded(String familyId, Instant at) implements Event {}

  public record LoginsEnded(List<String> familyIds, Instant at) implements Event {}

  /** Ids oldest first (appending is cheap; session pages are read from the end). */
  public record State(List<String> sessionIds, List<String> projectIds, List<String> loginFamilies) implements JsonSerializable {
    public List<String> projectIds() {
      return projectIds == null ? List.of() : projectIds;
    }

    public List<String> loginFamilies() {
      return loginFamilies == null ? List.of() : loginFamilies;
    }
  }

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
    return new State(List.of(), List.of(), List.of());
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
        .onCommand(
            AddProject.class,
            (state, cmd) ->
                state.projectIds().contains(cmd.projectId())
                    ? Effect().reply(cmd.replyTo(), Done.getInstance())
                    : Effect().persist(new ProjectAdded(cmd.projectId(), clock.instant())).thenReply(cmd.replyTo(), s -> Done.getInstance()))
        .onCommand(
            ListProjects.class,
            (state, cmd) -> {
              List<String> ids = state.projectIds();
              return Effect().reply(cmd.replyTo(), new ProjectPage(ListPage.oldestFirst(ids, cmd.offset(), cmd.limit()), ids.size()));
            })
        .onCommand(
            AddLogin.class,
            (state, cmd) -> Effect().persist(new LoginAdded(cmd.familyId(), clock.instant())).thenReply(cmd.replyTo(), s -> Done.getInstance()))
        .onCommand(
            EndAllLogins.class,
            (state, cmd) ->
                state.loginFamilies().isEmpty()
                    ? Effect().reply(cmd.replyTo(), List.of())
                    : Effect()
                        .persist(new LoginsEnded(state.loginFamilies(), clock.instant()))
                        .thenReply(cmd.replyTo(), s -> state.loginFamilies()))
        .build();
  }

  private static List<String> append(List<String> ids, String id) {
    List<String> copy = new ArrayList<>(ids);
    copy.add(id);
    return List.copyOf(copy);
  }

  private static SessionPage page(State state, ListSessions cmd) {
    return new SessionPage(ListPage.newestFirst(state.sessionIds(), cmd.offset(), cmd.limit()), state.sessionIds().size());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder
        .forAnyState()
        .onEvent(
            SessionAdded.class,
            (state, e) -> new State(append(state.sessionIds(), e.sessionId()), state.projectIds(), state.loginFamilies()))
        .onEvent(ProjectAdded.class, (state, e) -> new State(state.sessionIds(), append(state.projectIds(), e.projectId()), state.loginFamilies()))
        .onEvent(LoginAdded.class, (state, e) -> new State(state.sessionIds(), state.projectIds(), append(state.loginFamilies(), e.familyId())))
        .onEvent(LoginsEnded.class, (state, e) -> new State(state.sessionIds(), state.projectIds(), List.of()));
    return builder.build();
  }
}
