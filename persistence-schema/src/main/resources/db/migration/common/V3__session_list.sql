-- What the session lists show of each session (GET /api/v1/sessions, /projects/{id}/sessions),
-- kept from the session events by the session-list projection (codelab.platform.sessionlist).
-- Instants are epoch nanoseconds: a list shows them exactly as the session itself does.
-- The tally columns are what the message count depends on (codelab.session.application.SessionListing).
CREATE TABLE session_list (
  session_id VARCHAR(64) NOT NULL,
  owner_id VARCHAR(64) NOT NULL,
  project_id VARCHAR(64),
  title VARCHAR NOT NULL,
  current_agent VARCHAR(64) NOT NULL,
  message_count INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  last_activity BIGINT NOT NULL,
  active BOOLEAN NOT NULL,
  last_seq BIGINT NOT NULL,
  queued INTEGER NOT NULL,
  turn_id VARCHAR(255),
  turn_step INTEGER NOT NULL,
  calls_turn_id VARCHAR(255),
  pending_calls VARCHAR NOT NULL,
  PRIMARY KEY (session_id)
);
