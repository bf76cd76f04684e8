package codelab.session;

/**
 * Version 3 of an approval's resolution, as the session persists it ({@link Session.ApprovalResolved})
 * and tells it ({@link SessionUpdate.ApprovalResolved}): the approval rule that approved the call
 * ({@code ruleId}), null when a person or the deadline decided. Older versions read as
 * {@link SessionMigration} says, without a rule. (The update had no version 2; its versions follow the event's.)
 */
public final class ApprovedByRule extends SessionMigration {

  @Override
  public int currentVersion() {
    return 3;
  }
}
