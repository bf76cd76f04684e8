package codelab.account;

import codelab.JsonSerializable;
import java.time.Clock;
import java.time.Instant;
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

/**
 * The login of one user, keyed by the normalised username: being one entity per name is what makes a
 * username unique under concurrent registrations (the first {@link Register} wins, the second gets
 * {@link #USERNAME_TAKEN}). It holds the password hash, never the password.
 */
public final class UserAccount
    extends EventSourcedBehaviorWithEnforcedReplies<UserAccount.Command, UserAccount.Event, UserAccount.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "UserAccount");
  public static final String USERNAME_TAKEN = "username is taken";

  public sealed interface Command extends JsonSerializable {}

  public record Register(String userId, String username, String passwordHash, ActorRef<StatusReply<Registered>> replyTo)
      implements Command {}

  public record GetCredentials(ActorRef<Credentials> replyTo) implements Command {}

  public record Registered(String userId, String username) implements JsonSerializable {}

  /** {@code userId} is null when nobody registered this name. */
  public record Credentials(String userId, String username, String passwordHash) implements JsonSerializable {
    public boolean exists() {
      return userId != null;
    }
  }

  public sealed interface Event extends JsonSerializable {}

  public record AccountRegistered(String userId, String username, String passwordHash, Instant at) implements Event {}

  public record State(String userId, String username, String passwordHash, Instant registeredAt)
      implements JsonSerializable {
    boolean isRegistered() {
      return userId != null;
    }
  }

  /** Usernames compare case-insensitively: "Alice" and "alice" are one account. */
  public static String normalise(String username) {
    return username.strip().toLowerCase(java.util.Locale.ROOT);
  }

  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), clock)));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, String username) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, normalise(username));
  }

  public static Behavior<Command> create(String normalisedUsername, Clock clock) {
    return new UserAccount(normalisedUsername, clock);
  }

  private final Clock clock;

  private UserAccount(String normalisedUsername, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), normalisedUsername));
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, null, null, null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> free =
        newCommandHandlerWithReplyBuilder().forState(state -> !state.isRegistered());
    free.onCommand(
            Register.class,
            cmd ->
                Effect()
                    .persist(new AccountRegistered(cmd.userId(), cmd.username().strip(), cmd.passwordHash(), clock.instant()))
                    .thenReply(cmd.replyTo(), s -> StatusReply.success(new Registered(s.userId(), s.username()))))
        .onCommand(GetCredentials.class, cmd -> Effect().reply(cmd.replyTo(), new Credentials(null, null, null)));

    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> taken =
        newCommandHandlerWithReplyBuilder().forState(State::isRegistered);
    taken
        .onCommand(Register.class, cmd -> Effect().reply(cmd.replyTo(), StatusReply.error(USERNAME_TAKEN)))
        .onCommand(
            GetCredentials.class,
            (state, cmd) ->
                Effect().reply(cmd.replyTo(), new Credentials(state.userId(), state.username(), state.passwordHash())));

    return free.orElse(taken).build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder
        .forAnyState()
        .onEvent(AccountRegistered.class, (state, e) -> new State(e.userId(), e.username(), e.passwordHash(), e.at()));
    return builder.build();
  }
}
