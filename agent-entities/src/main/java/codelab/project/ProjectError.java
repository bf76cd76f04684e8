package codelab.project;

import codelab.EntityError;
import java.util.Optional;

/** Why a project refused a command (see {@link EntityError}: the messages are the identity). */
public enum ProjectError implements EntityError {
  /** Also for someone else's project and for a deleted one: a foreign project is "not found", never "forbidden". */
  NOT_FOUND("project not found", Kind.NOT_FOUND),
  /** The id is taken by another user's project; the caller's own is answered, not refused. */
  ALREADY_EXISTS("project already exists", Kind.CONFLICT),
  /** Also for a rule that expired or was deleted, and for a rule of another project. */
  RULE_NOT_FOUND("approval rule not found", Kind.NOT_FOUND),
  /** The workflow that makes rules checks them first and says what is wrong; this is the project's own guard. */
  INVALID_RULE("approval rule is not valid", Kind.INVALID),
  TOO_MANY_RULES("the project has too many live approval rules; delete some first", Kind.CONFLICT);

  private final String message;
  private final Kind kind;

  ProjectError(String message, Kind kind) {
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

  /** The error a refusal's message names; empty for a message that is not a project's refusal. */
  public static Optional<ProjectError> ofMessage(String message) {
    return EntityError.ofMessage(ProjectError.class, message);
  }
}
