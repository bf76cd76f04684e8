package codelab.session;

/**
 * Version 5 of {@link SessionState}: a session remembers the OAuth client that created it
 * ({@code clientId}, null in older snapshots and in task sessions), which lets the CodeLab IDE's
 * tokenless socket join it where an operator allows that. Older versions read as {@link
 * SessionMigration} says (version 4 is {@link SessionStateWithPlans}).
 */
public final class SessionStateWithClient extends SessionMigration {

  @Override
  public int currentVersion() {
    return 5;
  }
}
