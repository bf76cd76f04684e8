package codelab.session;

/**
 * Version 4 of {@link SessionState}: a session remembers its plans ({@code plans}, none in older
 * snapshots) and, when it runs a plan's task, whose task it is ({@code task}, null otherwise). Older
 * versions read as {@link SessionMigration} says, without plans.
 */
public final class SessionStateWithPlans extends SessionMigration {

  @Override
  public int currentVersion() {
    return 4;
  }
}
