package codelab.session;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.pattern.StatusReply;

/**
 * Why a session refused a command. A refusal crosses nodes as a {@link StatusReply} error, which
 * carries only its message text, so the text is the identity: {@link #ofMessage} turns it back into
 * the error at the edge. Clients and tests see the messages: do not reword them.
 */
public enum SessionError {
  /** Also for someone else's session: a foreign session is "not found", never "forbidden". */
  NOT_FOUND("session not found", Kind.NOT_FOUND),
  ALREADY_EXISTS("session already exists", Kind.CONFLICT),
  UNKNOWN_AGENT("unknown agent type", Kind.INVALID),
  EMPTY_MESSAGE("message content is empty", Kind.INVALID),
  CALL_NOT_FOUND("tool call not found", Kind.NOT_FOUND),
  CALL_ALREADY_ANSWERED("tool call already answered", Kind.CONFLICT),
  ALREADY_DECIDED("approval already decided", Kind.CONFLICT),
  APPROVAL_EXPIRED("approval expired", Kind.CONFLICT),
  NOT_AWAITING_APPROVAL("tool call does not wait for approval", Kind.CONFLICT),
  INVALID_DECISION("decision must be approve, edit or reject", Kind.INVALID),
  ARGUMENTS_REQUIRED("an edit needs modified_arguments, a JSON object", Kind.INVALID),
  NO_RUNNING_TURN("no turn is running", Kind.CONFLICT),
  /** An archived session takes no new work; it stays readable. */
  ARCHIVED("session is archived", Kind.CONFLICT),
  EMPTY_TITLE("title is empty", Kind.INVALID);

  /** What the caller can do about it, which is what the edge's status and error codes say. */
  public enum Kind {
    NOT_FOUND,
    /** The request is well-formed but the session's state does not allow it (now). */
    CONFLICT,
    /** The request itself is wrong. */
    INVALID
  }

  private static final Map<String, SessionError> BY_MESSAGE =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(SessionError::message, Function.identity()));

  private final String message;
  private final Kind kind;

  SessionError(String message, Kind kind) {
    this.message = message;
    this.kind = kind;
  }

  public String message() {
    return message;
  }

  public Kind kind() {
    return kind;
  }

  public <T> StatusReply<T> reply() {
    return StatusReply.error(message);
  }

  /** The error a refusal's message names; empty for a message that is not a session's refusal. */
  public static Optional<SessionError> ofMessage(String message) {
    return Optional.ofNullable(message == null ? null : BY_MESSAGE.get(message));
  }
}
