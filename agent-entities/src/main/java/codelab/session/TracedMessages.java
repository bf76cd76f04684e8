package codelab.session;

import codelab.serialization.FieldsAdded;

/**
 * Version 4 of {@link Session.PostUserMessage}: the W3C trace id of the request that sent it
 * ({@code traceId}), which the session's model calls carry to the provider. Version 3 ({@link
 * OrchestratedPlans}) and older read it as null: no trace to pass on.
 */
public final class TracedMessages extends FieldsAdded {

  @Override
  public int currentVersion() {
    return 4;
  }
}
