package codelab.session;

import codelab.EntityError;
import java.util.Optional;

/** Why a session refused a command (see {@link EntityError}: the messages are the identity). */
public enum SessionError implements EntityError {
  /** Also for someone else's session: a foreign session is "not found", never "forbidden". */
  NOT_FOUND("session not found", Kind.NOT_FOUND),
  ALREADY_EXISTS("session already exists", Kind.CONFLICT),
  UNKNOWN_AGENT("unknown agent type", Kind.INVALID),
  /** A switch to an agent that is not the owner's or not of the session's project: as for no agent. */
  AGENT_NOT_FOUND("agent not found", Kind.NOT_FOUND),
  AGENT_ARCHIVED("agent is archived", Kind.CONFLICT),
  AGENT_UNAVAILABLE("the agent did not answer in time", Kind.CONFLICT),
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
  EMPTY_TITLE("title is empty", Kind.INVALID),
  /** A plan's task session answers its task only: people read it, and decide its calls, but send it nothing new. */
  TASK_SESSION("this session runs a task of a plan and takes no messages", Kind.CONFLICT),
  /** The platform runs this call itself (an orchestrator's plan): no IDE answers it. */
  SERVER_CALL("the server runs this call itself; it takes no tool result", Kind.CONFLICT),
  /** An edited plan with a cycle, an unknown agent, a dependency on a missing task, or too many tasks. */
  INVALID_PLAN("the edited plan is not valid: check task ids, agent roles, depends_on (no cycles) and the task limit", Kind.INVALID);

  private final String message;
  private final Kind kind;

  SessionError(String message, Kind kind) {
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

  /** The error a refusal's message names; empty for a message that is not a session's refusal. */
  public static Optional<SessionError> ofMessage(String message) {
    return EntityError.ofMessage(SessionError.class, message);
  }
}
