package codelab.session.application;

import codelab.session.Session;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** The read side of the session lists: listings kept from the session events, without asking any session. */
public interface SessionDirectory {

  /**
   * The listings of those of {@code sessionIds} that {@code ownerId} owns and whose listing has seen
   * every event the session has persisted so far; a session the listing lags behind (its newest
   * events are not projected yet) is left out, for the caller to ask the session itself.
   */
  CompletionStage<Map<String, Session.Summary>> current(String ownerId, List<String> sessionIds);
}
