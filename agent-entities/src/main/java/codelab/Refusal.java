package codelab;

import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.apache.pekko.pattern.StatusReply;

/**
 * An entity's "no" as {@code askWithStatus} reports it (a failed stage holding a
 * {@link StatusReply.ErrorMessage}), told apart from a failure such as a timeout.
 */
public final class Refusal {

  private Refusal() {}

  /** The entity's reason, when {@code failure} is a refusal; empty for anything else. */
  public static Optional<String> reason(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return cause instanceof StatusReply.ErrorMessage refusal ? Optional.of(refusal.getMessage()) : Optional.empty();
  }

  public static boolean is(Throwable failure, String reason) {
    return reason(failure).filter(reason::equals).isPresent();
  }

  /** True when {@code failure} is the entity refusing for {@code error}. */
  public static boolean is(Throwable failure, EntityError error) {
    return is(failure, error.message());
  }
}
