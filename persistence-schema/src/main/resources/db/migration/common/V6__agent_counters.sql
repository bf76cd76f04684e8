-- What each agent has done, kept from the session events by the agent-counters projection
-- (codelab.platform.agentcounters). One row per agent and session tag: each tag's projection writes
-- its own rows only, so projections on different nodes never contend; a read sums them.
CREATE TABLE agent_counters (
  agent_id VARCHAR(64) NOT NULL,
  tag_index INTEGER NOT NULL,
  turns BIGINT NOT NULL,
  prompt_tokens BIGINT NOT NULL,
  completion_tokens BIGINT NOT NULL,
  -- epoch nanoseconds of the last turn's start or answer
  last_active BIGINT NOT NULL,
  PRIMARY KEY (agent_id, tag_index)
);

-- The agent answering each session's current turn: its answer's usage is counted for that agent.
CREATE TABLE agent_counter_turns (
  session_id VARCHAR(64) NOT NULL,
  agent_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (session_id)
);
