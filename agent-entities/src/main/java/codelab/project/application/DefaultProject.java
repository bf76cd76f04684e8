package codelab.project.application;

import codelab.project.Project;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * A user's default project, where sessions created without a project go. Its id derives from the
 * user's, so creating it is idempotent: a second call, or a retry after a half-done first one, finds
 * what was made and completes it.
 */
public final class DefaultProject {

  private final ProjectCreation creation;

  public DefaultProject(ProjectCreation creation) {
    this.creation = creation;
  }

  public static String idOf(String userId) {
    return UUID.nameUUIDFromBytes(("default-project:" + userId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The user's default project, created and added to the user's projects if it was not yet. */
  public CompletionStage<Project.Summary> ensure(String userId) {
    return creation.create(userId, idOf(userId), "Default", "Sessions created without a project");
  }
}
