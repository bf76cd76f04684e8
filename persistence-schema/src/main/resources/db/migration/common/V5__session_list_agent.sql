-- The agent a session talks to (agents became entities). Rows of sessions from before name a role
-- only (current_agent): their agent is the project's starter agent of that role, derived from the ids.
ALTER TABLE session_list ADD COLUMN agent_id VARCHAR(64);
