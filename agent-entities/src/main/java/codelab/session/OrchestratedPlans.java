package codelab.session;

import codelab.serialization.FieldsAdded;

/**
 * Version 3 of the types that say whether a message is orchestrated (registered in reference.conf for
 * each): {@link Session.PostUserMessage}, {@link Session.UserMessageAccepted} and {@link
 * SessionState.QueuedMessage} gained {@code orchestrated}; {@link Session.TurnStarted} and {@link
 * SessionState.Turn} too (a turn whose orchestrator may plan). Version 2 of TurnStarted and Turn is
 * {@link AgentsAsEntities}; the others had no version before.
 *
 * <p>What earlier versions wrote has no such field and reads it as false: every message before plans
 * was answered directly.
 */
public final class OrchestratedPlans extends FieldsAdded {

  @Override
  public int currentVersion() {
    return 3;
  }
}
