package codelab.account;

import codelab.JsonSerializable;
import java.time.Clock;
import java.time.Instant;
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
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/**
 * Which account an e-mail address belongs to, keyed by the {@link EmailAddress}: being one entity per
 * address is what keeps an address to one account under concurrent registrations (the first claim
 * wins), and what lets a login name the address instead of the username.
 */
public final class AccountEmail
    extends EventSourcedBehaviorWithEnforcedReplies<AccountEmail.Command, AccountEmail.Event, AccountEmail.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "AccountEmail");

  public sealed interface Command extends JsonSerializable {}

  /**
   * Claims the address for the account being registered ({@code userId} tells one registration from
   * another of the same name); claiming it again for the same registration is a no-op.
   */
  public record Claim(String userId, String username, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Gives the address up if that registration holds it (it claimed the address, then could not register the account). */
  public record Release(String userId, ActorRef<Done> replyTo) implements Command {}

  public record GetOwner(ActorRef<Owner> replyTo) implements Command {}

  /** {@code username} is null when no account holds the address. */
  public record Owner(String username) implements JsonSerializable {
    public Optional<String> account() {
      return Optional.ofNullable(username);
    }
  }

  public sealed interface Event extends JsonSerializable {}

  public record EmailClaimed(String userId, String username, Instant at) implements Event {}

  public record EmailReleased(String userId, Instant at) implements Event {}

  public record State(String userId, String username) implements JsonSerializable {
    boolean isClaimed() {
      return userId != null;
    }

    boolean isHeldBy(String registration) {
      return isClaimed() && userId.equals(registration);
    }
  }

  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), clock)));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, EmailAddress address) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, address.value());
  }

  public static Behavior<Command> create(String address, Clock clock) {
    return new AccountEmail(address, clock);
  }

  private final Clock clock;

  private AccountEmail(String address, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), address));
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Claim.class,
            (state, cmd) -> {
              if (!state.isClaimed()) {
                return Effect()
                    .persist(new EmailClaimed(cmd.userId(), cmd.username(), clock.instant()))
                    .thenReply(cmd.replyTo(), s -> StatusReply.ack());
              }
              return Effect().reply(cmd.replyTo(), state.isHeldBy(cmd.userId()) ? StatusReply.ack() : AccountError.EMAIL_TAKEN.reply());
            })
        .onCommand(
            Release.class,
            (state, cmd) ->
                state.isHeldBy(cmd.userId())
                    ? Effect().persist(new EmailReleased(cmd.userId(), clock.instant())).thenReply(cmd.replyTo(), s -> Done.getInstance())
                    : Effect().reply(cmd.replyTo(), Done.getInstance()))
        .onCommand(GetOwner.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Owner(state.username())))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(EmailClaimed.class, (state, event) -> new State(event.userId(), event.username()))
        .onEvent(EmailReleased.class, (state, event) -> new State(null, null))
        .build();
  }
}
