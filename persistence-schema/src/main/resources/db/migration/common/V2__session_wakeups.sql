-- When a session must be woken even if nobody talks to it: an approval's deadline, a tool call's
-- timeout, a turn that may have lost its model call with its node. Maintained from the session
-- events by the session-wakeups projection; read by the wake-up sweeper (a cluster singleton).
CREATE TABLE session_wakeup (
  session_id VARCHAR(64) NOT NULL,
  reason VARCHAR(160) NOT NULL,
  due_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, reason)
);
CREATE INDEX session_wakeup_due_idx ON session_wakeup (due_at);

-- pekko-projection-jdbc's offset store (lowercase, quoted: its use-lowercase-schema default)
CREATE TABLE "pekko_projection_offset_store" (
  "projection_name" VARCHAR(255) NOT NULL,
  "projection_key" VARCHAR(255) NOT NULL,
  "current_offset" VARCHAR(255) NOT NULL,
  "manifest" VARCHAR(32) NOT NULL,
  "mergeable" BOOLEAN NOT NULL,
  "last_updated" BIGINT NOT NULL,
  PRIMARY KEY ("projection_name", "projection_key")
);
CREATE INDEX "projection_name_index" ON "pekko_projection_offset_store" ("projection_name");

CREATE TABLE "pekko_projection_management" (
  "projection_name" VARCHAR(255) NOT NULL,
  "projection_key" VARCHAR(255) NOT NULL,
  "paused" BOOLEAN NOT NULL,
  "last_updated" BIGINT NOT NULL,
  PRIMARY KEY ("projection_name", "projection_key")
);
