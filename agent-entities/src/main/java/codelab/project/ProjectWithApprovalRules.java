package codelab.project;

import codelab.serialization.FieldsAdded;

/**
 * Version 3 of {@link Project.State}: the project's approval rules ({@code approvalRules}). What
 * versions 1 and 2 ({@link codelab.session.AgentsAsEntities}) wrote has none, and reads as a
 * project without rules.
 */
public final class ProjectWithApprovalRules extends FieldsAdded {

  @Override
  public int currentVersion() {
    return 3;
  }
}
