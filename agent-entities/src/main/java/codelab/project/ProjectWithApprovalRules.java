package codelab.project;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Version 3 of {@link Project.State}: the project's approval rules ({@code approvalRules}). What
 * versions 1 and 2 ({@link codelab.session.AgentsAsEntities}) wrote has none, and reads as a
 * project without rules.
 */
public final class ProjectWithApprovalRules extends JacksonMigration {

  @Override
  public int currentVersion() {
    return 3;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
