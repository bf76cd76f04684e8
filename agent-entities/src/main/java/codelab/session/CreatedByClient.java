package codelab.session;

import codelab.serialization.FieldsAdded;

/**
 * Version 3 of {@link Session.SessionCreated} and {@link Session.Create}: the OAuth client that
 * created the session ({@code clientId}). Version 2 ({@link AgentsAsEntities}) and 1 read it as null:
 * a session whose creating client is unknown, which no tokenless socket may join.
 */
public final class CreatedByClient extends FieldsAdded {

  @Override
  public int currentVersion() {
    return 3;
  }
}
