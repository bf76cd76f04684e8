package codelab.agent;

import codelab.EntityError;
import java.util.Optional;

/** Why an agent refused a command (see {@link EntityError}: the messages are the identity). */
public enum AgentError implements EntityError {
  /** Also for someone else's agent, and for an agent of another project than the session's: never "forbidden". */
  NOT_FOUND("agent not found", Kind.NOT_FOUND),
  ALREADY_EXISTS("agent already exists", Kind.CONFLICT),
  VERSION_NOT_FOUND("agent version not found", Kind.NOT_FOUND),
  /** An archived agent keeps its versions readable and takes no new turns or changes. */
  ARCHIVED("agent is archived", Kind.CONFLICT),
  /** The edge names each problem before asking; this guards the entity's own invariant. */
  INVALID_CONFIGURATION("invalid agent configuration", Kind.INVALID);

  private final String message;
  private final Kind kind;

  AgentError(String message, Kind kind) {
    this.message = message;
    this.kind = kind;
  }

  @Override
  public String message() {
    return message;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  public static Optional<AgentError> ofMessage(String message) {
    return EntityError.ofMessage(AgentError.class, message);
  }
}
