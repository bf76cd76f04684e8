package codelab.session;

/**
 * Version 3 of {@link SessionState}: the state names its current agent's id ({@code currentAgentId},
 * null in sessions from before agents were entities) and its turn the agent version that answers.
 * Older versions read as {@link SessionMigration} says, with those fields null.
 */
public final class SessionStateWithAgents extends SessionMigration {

  @Override
  public int currentVersion() {
    return 3;
  }
}
