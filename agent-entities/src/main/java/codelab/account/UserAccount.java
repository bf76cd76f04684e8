package codelab.account;

import codelab.JsonSerializable;
import java.time.Clock;
import java.time.Duration;
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
 * The login of one user, keyed by its {@link Username}: being one entity per name is what makes a
 * username unique under concurrent registrations (the first {@link Register} wins, the second gets
 * {@link AccountError#USERNAME_TAKEN}). It holds the password hash (never the password), the brute-force lockout
 * (after {@link LockoutPolicy#maxFailures()} consecutive failures, for {@link LockoutPolicy#duration()}),
 * and the account's security events: its journal is the auth audit trail.
 */
public final class UserAccount
    extends EventSourcedBehaviorWithEnforcedReplies<UserAccount.Command, UserAccount.Event, UserAccount.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "UserAccount");
  /** Security events kept in the state for the user's query; the journal keeps them all. */
  static final int RECENT_EVENTS = 200;

  public record LockoutPolicy(int maxFailures, Duration duration) {
    public static LockoutPolicy fromConfig(com.typesafe.config.Config config) {
      return new LockoutPolicy(config.getInt("codelab.auth.lockout.max-failures"), config.getDuration("codelab.auth.lockout.duration"));
    }
  }

  /** Who did it and from where: the audit's context of every event. */
  public record Origin(String ip, String userAgent) implements JsonSerializable {}

  public sealed interface Command extends JsonSerializable {}

  /** {@code email} may be null. Version 2 added it ({@link EmailAdded}). */
  public record Register(
      String userId, String username, String passwordHash, String email, Origin origin, ActorRef<StatusReply<Registered>> replyTo)
      implements Command {}

  public record GetCredentials(ActorRef<Credentials> replyTo) implements Command {}

  /** The outcome of a password check; a failure may lock the account. */
  public record RecordLogin(boolean success, Origin origin, ActorRef<Credentials> replyTo) implements Command {}

  /** Anything else the audit must show: refresh rotation, reuse detected, revocation, logout everywhere. */
  public record RecordSecurityEvent(String kind, String detail, Origin origin, ActorRef<Done> replyTo) implements Command {}

  public record GetSecurityEvents(String userId, ActorRef<StatusReply<List<SecurityEvent>>> replyTo) implements Command {}

  /** The account as its owner sees it ({@code /api/v1/me}); anyone else is told "not found". */
  public record GetProfile(String userId, ActorRef<StatusReply<Profile>> replyTo) implements Command {}

  /** {@code email} is null when none was given (and for accounts registered before it was kept). */
  public record Profile(String userId, String username, String email) implements JsonSerializable {}

  public record Registered(String userId, String username) implements JsonSerializable {}

  /** {@code userId} is null when nobody registered this name; {@code lockedUntil} null when not locked. */
  public record Credentials(String userId, String username, String passwordHash, Instant lockedUntil) implements JsonSerializable {
    public boolean exists() {
      return userId != null;
    }

    public boolean lockedAt(Instant now) {
      return lockedUntil != null && now.isBefore(lockedUntil);
    }
  }

  public record SecurityEvent(String kind, Instant at, String ip, String userAgent, String detail) implements JsonSerializable {}

  public sealed interface Event extends JsonSerializable {}

  /** Version 2 added {@code email} ({@link EmailAdded}). */
  public record AccountRegistered(String userId, String username, String passwordHash, String email, Instant at, Origin origin) implements Event {}

  public record LoginSucceeded(Origin origin, Instant at) implements Event {}

  public record LoginFailed(Origin origin, Instant at) implements Event {}

  public record LockedOut(Instant until, Origin origin, Instant at) implements Event {}

  public record SecurityEventRecorded(String kind, String detail, Origin origin, Instant at) implements Event {}

  /** Version 2 added {@code email} ({@link EmailAdded}). */
  public record State(
      String userId, String username, String passwordHash, String email, Instant registeredAt, int failures, Instant lockedUntil,
      List<SecurityEvent> recentEvents)
      implements JsonSerializable {
    boolean isRegistered() {
      return userId != null;
    }

    Credentials credentials() {
      return new Credentials(userId, username, passwordHash, lockedUntil);
    }

    State withEvent(SecurityEvent event) {
      List<SecurityEvent> events = new ArrayList<>(recentEvents == null ? List.of() : recentEvents);
      events.add(event);
      if (events.size() > RECENT_EVENTS) events = events.subList(events.size() - RECENT_EVENTS, events.size());
      return new State(userId, username, passwordHash, email, registeredAt, failures, lockedUntil, List.copyOf(events));
    }

    State withFailures(int newFailures, Instant newLockedUntil) {
      return new State(userId, username, passwordHash, email, registeredAt, newFailures, newLockedUntil, recentEvents);
    }
  }

  public static void init(ActorSystem<?> system, Clock clock, LockoutPolicy lockout) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, entity -> create(entity.getEntityId(), clock, lockout)));
  }

  public static EntityRef<Command> entityRef(ActorSystem<?> system, Username username) {
    return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, username.value());
  }

  public static Behavior<Command> create(String normalisedUsername, Clock clock, LockoutPolicy lockout) {
    return new UserAccount(normalisedUsername, clock, lockout);
  }

  private final Clock clock;
  private final LockoutPolicy lockout;

  private UserAccount(String normalisedUsername, Clock clock, LockoutPolicy lockout) {
    super(PersistenceId.of(ENTITY_KEY.name(), normalisedUsername));
    this.clock = clock;
    this.lockout = lockout;
  }

  @Override
  public State emptyState() {
    return new State(null, null, null, null, null, 0, null, List.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> free =
        newCommandHandlerWithReplyBuilder().forState(state -> !state.isRegistered());
    free.onCommand(
            Register.class,
            cmd ->
                Effect()
                    .persist(
                        new AccountRegistered(cmd.userId(), cmd.username().strip(), cmd.passwordHash(), cmd.email(), clock.instant(), cmd.origin()))
                    .thenReply(cmd.replyTo(), s -> StatusReply.success(new Registered(s.userId(), s.username()))))
        .onCommand(GetCredentials.class, cmd -> Effect().reply(cmd.replyTo(), new Credentials(null, null, null, null)))
        .onCommand(RecordLogin.class, cmd -> Effect().reply(cmd.replyTo(), new Credentials(null, null, null, null)))
        .onCommand(RecordSecurityEvent.class, cmd -> Effect().reply(cmd.replyTo(), Done.getInstance()))
        .onCommand(GetSecurityEvents.class, cmd -> Effect().reply(cmd.replyTo(), AccountError.NOT_FOUND.reply()))
        .onCommand(GetProfile.class, cmd -> Effect().reply(cmd.replyTo(), AccountError.NOT_FOUND.reply()));

    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> taken =
        newCommandHandlerWithReplyBuilder().forState(State::isRegistered);
    taken
        .onCommand(Register.class, cmd -> Effect().reply(cmd.replyTo(), AccountError.USERNAME_TAKEN.reply()))
        .onCommand(GetCredentials.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state.credentials()))
        .onCommand(RecordLogin.class, this::onRecordLogin)
        .onCommand(
            RecordSecurityEvent.class,
            (state, cmd) ->
                Effect()
                    .persist(new SecurityEventRecorded(cmd.kind(), cmd.detail(), cmd.origin(), clock.instant()))
                    .thenReply(cmd.replyTo(), s -> Done.getInstance()))
        .onCommand(
            GetSecurityEvents.class,
            (state, cmd) ->
                state.userId().equals(cmd.userId())
                    ? Effect().reply(cmd.replyTo(), StatusReply.success(state.recentEvents()))
                    : Effect().reply(cmd.replyTo(), AccountError.NOT_FOUND.reply()))
        .onCommand(
            GetProfile.class,
            (state, cmd) ->
                state.userId().equals(cmd.userId())
                    ? Effect().reply(cmd.replyTo(), StatusReply.success(new Profile(state.userId(), state.username(), state.email())))
                    : Effect().reply(cmd.replyTo(), AccountError.NOT_FOUND.reply()));

    return free.orElse(taken).build();
  }

  private ReplyEffect<Event, State> onRecordLogin(State state, RecordLogin cmd) {
    Instant now = clock.instant();
    if (cmd.success()) {
      return Effect().persist(new LoginSucceeded(cmd.origin(), now)).thenReply(cmd.replyTo(), State::credentials);
    }
    List<Event> events = new ArrayList<>(List.of(new LoginFailed(cmd.origin(), now)));
    boolean locked = state.lockedUntil() != null && now.isBefore(state.lockedUntil());
    if (!locked && state.failures() + 1 >= lockout.maxFailures()) {
      events.add(new LockedOut(now.plus(lockout.duration()), cmd.origin(), now));
    }
    return Effect().persist(events).thenReply(cmd.replyTo(), State::credentials);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    EventHandlerBuilder<State, Event> builder = newEventHandlerBuilder();
    builder
        .forAnyState()
        .onEvent(
            AccountRegistered.class,
            (state, e) ->
                new State(e.userId(), e.username(), e.passwordHash(), e.email(), e.at(), 0, null, List.of())
                    .withEvent(securityEvent("register", null, e.origin(), e.at())))
        .onEvent(LoginSucceeded.class, (state, e) -> state.withFailures(0, null).withEvent(securityEvent("login_success", null, e.origin(), e.at())))
        .onEvent(
            LoginFailed.class,
            (state, e) -> {
              // a lock that has run out starts a fresh count
              boolean lockOver = state.lockedUntil() != null && !e.at().isBefore(state.lockedUntil());
              int failures = (lockOver ? 0 : state.failures()) + 1;
              return state.withFailures(failures, lockOver ? null : state.lockedUntil()).withEvent(securityEvent("login_failure", null, e.origin(), e.at()));
            })
        .onEvent(
            LockedOut.class,
            (state, e) -> state.withFailures(0, e.until()).withEvent(securityEvent("lockout", "locked until " + e.until(), e.origin(), e.at())))
        .onEvent(SecurityEventRecorded.class, (state, e) -> state.withEvent(securityEvent(e.kind(), e.detail(), e.origin(), e.at())));
    return builder.build();
  }

  private static SecurityEvent securityEvent(String kind, String detail, Origin origin, Instant at) {
    return new SecurityEvent(kind, at, origin == null ? null : origin.ip(), origin == null ? null : origin.userAgent(), detail);
  }
}
