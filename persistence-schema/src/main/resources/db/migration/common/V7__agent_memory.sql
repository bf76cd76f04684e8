-- What agents remember (codelab.platform.memory): one row per memory with its embedding, and one
-- clock row per agent. Every add and delete of an agent's memories takes the next number of its
-- clock while holding the clock row's lock, so the agent's changes commit in number order and a node
-- catches its cache up by reading the rows whose change_no is above the last one it saw.
CREATE TABLE agent_memory (
  memory_id VARCHAR(64) NOT NULL,
  agent_id VARCHAR(64) NOT NULL,
  -- the change that added it: its place in the agent's order, oldest first
  added_no BIGINT NOT NULL,
  -- the change that added it or, once deleted, the change that deleted it
  change_no BIGINT NOT NULL,
  -- a deleted memory stays as a row without text or embedding until the cap's eviction passes it, so
  -- that every node's cache learns of the delete and its turn is not remembered again
  deleted BOOLEAN NOT NULL,
  text VARCHAR NOT NULL,
  session_id VARCHAR(64),
  seq BIGINT NOT NULL,
  -- epoch nanoseconds
  created_at BIGINT NOT NULL,
  -- float32s, little-endian, scaled to length 1; NULL once deleted (BYTEA: H2 knows it as VARBINARY)
  embedding BYTEA,
  PRIMARY KEY (memory_id)
);
CREATE UNIQUE INDEX agent_memory_change_idx ON agent_memory (agent_id, change_no);
CREATE UNIQUE INDEX agent_memory_added_idx ON agent_memory (agent_id, added_no);
-- a turn is remembered once (NULL session ids, memories added by hand, do not collide)
CREATE UNIQUE INDEX agent_memory_turn_idx ON agent_memory (agent_id, session_id, seq);

CREATE TABLE agent_memory_clock (
  agent_id VARCHAR(64) NOT NULL,
  -- the agent's last change number
  change_no BIGINT NOT NULL,
  -- its memories that are not deleted
  live BIGINT NOT NULL,
  -- every memory with an added_no up to this one is gone (deleted, or dropped for the cap)
  evicted_through BIGINT NOT NULL,
  PRIMARY KEY (agent_id)
);
