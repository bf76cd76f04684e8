package codelab.platform.sessionlist;

import codelab.platform.projection.PooledJdbcSession;
import codelab.session.Session;
import codelab.session.application.SessionListing;
import java.util.Optional;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a session's row of the session_list table in step with its events. Runs in the projection's
 * transaction, with its offset: each event is applied exactly once.
 */
final class SessionListHandler extends JdbcHandler<EventEnvelope<Session.Event>, PooledJdbcSession> {

  private static final Logger log = LoggerFactory.getLogger(SessionListHandler.class);

  @Override
  public void process(PooledJdbcSession session, EventEnvelope<Session.Event> envelope) throws Exception {
    String sessionId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    Session.Event event = envelope.event();
    long seq = envelope.sequenceNr();
    session.withConnection(
        connection -> {
          // a plan's task session has a row too (no list shows it: lists hold the sessions of a user's or project's directory)
          Session.SessionCreated created = event instanceof Session.SessionCreated c ? c
              : event instanceof Session.TaskSessionCreated t ? t.asSessionCreated() : null;
          if (created != null) {
            // a row already there is from an earlier run of this projection (its offsets were reset to rebuild the table)
            SessionListRows.delete(connection, sessionId);
            SessionListRows.insert(connection, SessionListing.created(seq, created));
            return null;
          }
          Optional<SessionListing> listing = SessionListRows.find(connection, sessionId);
          if (listing.isEmpty()) {
            // every session's first event creates its row; without one there is nothing to keep
            log.warn("No session_list row for session {} at its event {}; skipped", sessionId, seq);
          } else if (seq > listing.get().lastSeq()) {
            SessionListRows.update(connection, listing.get().apply(seq, event));
          }
          return null;
        });
  }
}
