package codelab.account;

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
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The refresh tokens descended from one login (RFC 9700 §4.14.2): only the newest is valid, each use
 * replaces it, and presenting one that was already used revokes the whole family, the newest
 * included, since one of the two holders is a thief. Only SHA-256 hashes of tokens are kept; being
 * one entity per family makes a rotation atomic under concurrent use.
 */
public final class RefreshTokenFamily
    extends EventSourcedBehaviorWithEnforcedReplies<RefreshTokenFamily.Command, RefreshTokenFamily.Event, RefreshTokenFamily.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "RefreshTokenFamily");
  /** Used hashes remembered to recognise a replay; a family rotates every 15 minutes at most for 30 days. */
  static final int USED_KEPT = 3000;

  public sealed interface Command extends JsonSerializable {}

  public record Start(String userId, String username, String scope, String tokenHash, Instant expiresAt, ActorRef<Done> replyTo)
      implements Command {}

  public record Rotate(String presentedHash, String newHash, ActorRef<Rotation> replyTo) implements Command {}

  /** {@code outcome}: rotated (the new hash is now the valid one), reused (the family is now revoked) or invalid. */
  public record Rotation(String outcome, Holder holder) implements JsonSerializable {
    public static final String ROTATED = "rotated";
    public static final String REUSED = "reused";
    public static final String INVALID = "invalid";
  }

  public record Revoke(String reason, ActorRef<StatusReply<Holder>> replyTo) implements Command {}

  /** Whose family it is, for the new access token or for the audit. */
  public record Holder(String userId, String username, String scope) implements JsonSerializable {}

  public sealed interface Event extends JsonSerializable {}

  public record Started(String userId, String username, String scope, String tokenHash, Instant expiresAt, Instant at) implements Event {}

  public record Rotated(String previousHash, String newHash, Instant at) implements Event {}

  public record Revoked(String reason, Instant at) implements Event {}

  public record State(
      String userId, String username, String scope, String currentHash, List<String> usedHashes, Instant expiresAt, boolean revoked)
      implements JsonSerializable {
    boolean isStarted() {
      return userId != null;
    }

    Holder holder() {
      return new Holder(userId, username, scope);
    }
  }

  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), clock)));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, String familyId) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, familyId);
  }

  public static Behavior<Command> create(String familyId, Clock clock) {
    return new RefreshTokenFamily(familyId, clock);
  }

  private final Clock clock;

  private RefreshTokenFamily(String familyId, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), familyId));
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, null, null, null, List.of(), null, false);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Start.class, this::onStart)
        .onCommand(Rotate.class, this::onRotate)
        .onCommand(Revoke.class, this::onRevoke)
        .build();
  }

  private ReplyEffect<Event, State> onStart(State state, Start cmd) {
    if (state.isStarted()) return Effect().reply(cmd.replyTo(), Done.getInstance());
    return Effect()
        .persist(new Started(cmd.userId(), cmd.username(), cmd.scope(), cmd.tokenHash(), cmd.expiresAt(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, State> onRotate(State state, Rotate cmd) {
    if (!state.isStarted() || state.revoked() || !clock.instant().isBefore(state.expiresAt())) {
      return Effect().reply(cmd.replyTo(), new Rotation(Rotation.INVALID, state.isStarted() ? state.holder() : null));
    }
    if (state.usedHashes().contains(cmd.presentedHash())) {
      return Effect()
          .persist(new Revoked("a used refresh token was presented again", clock.instant()))
          .thenReply(cmd.replyTo(), s -> new Rotation(Rotation.REUSED, s.holder()));
    }
    if (!state.currentHash().equals(cmd.presentedHash())) return Effect().reply(cmd.replyTo(), new Rotation(Rotation.INVALID, null));
    return Effect()
        .persist(new Rotated(cmd.presentedHash(), cmd.newHash(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> new Rotation(Rotation.ROTATED, s.holder()));
  }

  private ReplyEffect<Event, State> onRevoke(State state, Revoke cmd) {
    if (!state.isStarted()) return Effect().reply(cmd.replyTo(), RefreshTokenError.INVALID.reply());
    if (state.revoked()) return Effect().reply(cmd.replyTo(), StatusReply.success(state.holder()));
    return Effect()
        .persist(new Revoked(cmd.reason(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.holder()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder
        .forAnyState()
        .onEvent(Started.class, (s, e) -> new State(e.userId(), e.username(), e.scope(), e.tokenHash(), List.of(), e.expiresAt(), false))
        .onEvent(
            Rotated.class,
            (s, e) -> {
              List<String> used = new ArrayList<>(s.usedHashes());
              used.add(e.previousHash());
              if (used.size() > USED_KEPT) used = used.subList(used.size() - USED_KEPT, used.size());
              return new State(s.userId(), s.username(), s.scope(), e.newHash(), List.copyOf(used), s.expiresAt(), false);
            })
        .onEvent(
            Revoked.class,
            (s, e) -> new State(s.userId(), s.username(), s.scope(), s.currentHash(), s.usedHashes(), s.expiresAt(), true));
    return builder.build();
  }
}
