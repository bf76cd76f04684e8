package codelab;

import java.util.Arrays;
import java.util.Optional;
import org.apache.pekko.pattern.StatusReply;

/**
 * Why an entity refused a command: each entity names its reasons in an enum of its own. A refusal
 * crosses nodes as a {@link StatusReply} error, which carries only its message text, so the text is
 * the identity and each enum's {@code ofMessage} turns it back into the error. Clients and tests see
 * the messages: do not reword them.
 */
public interface EntityError {

  /** What the caller can do about it: the one thing the edge reads to choose a status or an error code. */
  enum Kind {
    NOT_FOUND,
    /** The request is well-formed but the entity's state does not allow it (now). */
    CONFLICT,
    /** The request itself is wrong. */
    INVALID
  }

  String message();

  Kind kind();

  default <T> StatusReply<T> reply() {
    return StatusReply.error(message());
  }

  /** The error of {@code vocabulary} that {@code message} names; empty for any other message, null included. */
  static <E extends Enum<E> & EntityError> Optional<E> ofMessage(Class<E> vocabulary, String message) {
    return Arrays.stream(vocabulary.getEnumConstants()).filter(error -> error.message().equals(message)).findFirst();
  }
}
