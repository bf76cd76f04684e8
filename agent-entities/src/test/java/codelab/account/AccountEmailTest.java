package codelab.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AccountEmailTest {

  private static final ActorTestKit testKit = ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final EventSourcedBehaviorTestKit<AccountEmail.Command, AccountEmail.Event, AccountEmail.State> address =
      EventSourcedBehaviorTestKit.create(testKit.system(), AccountEmail.create("ann@example.com", Clock.systemUTC()));

  @Test
  void theFirstRegistrationToClaimAnAddressHoldsItUntilItGivesItUp() {
    var first = address.<StatusReply<Done>>runCommand(replyTo -> new AccountEmail.Claim("u1", "ann", replyTo));
    assertTrue(first.reply().isSuccess());
    assertTrue(address.<StatusReply<Done>>runCommand(replyTo -> new AccountEmail.Claim("u1", "ann", replyTo)).reply().isSuccess(), "again: a no-op");
    var other = address.<StatusReply<Done>>runCommand(replyTo -> new AccountEmail.Claim("u2", "ann", replyTo));
    assertEquals(AccountError.EMAIL_TAKEN.message(), other.reply().getError().getMessage(), "another registration, even of the same name");

    address.<Done>runCommand(replyTo -> new AccountEmail.Release("u2", replyTo));
    assertEquals("ann", address.<AccountEmail.Owner>runCommand(AccountEmail.GetOwner::new).reply().username(), "only the holder gives it up");
    address.<Done>runCommand(replyTo -> new AccountEmail.Release("u1", replyTo));
    assertTrue(address.<AccountEmail.Owner>runCommand(AccountEmail.GetOwner::new).reply().account().isEmpty());
    assertTrue(address.<StatusReply<Done>>runCommand(replyTo -> new AccountEmail.Claim("u3", "bo", replyTo)).reply().isSuccess());
  }
}
