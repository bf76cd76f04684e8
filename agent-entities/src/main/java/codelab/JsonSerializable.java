package codelab;

/**
 * Marker for every message, event and snapshot that is serialized (journal, snapshots, and messages
 * between nodes). Bound to Jackson JSON in reference.conf: readable payloads make the journal an audit
 * trail a person can read. Each change to a serialized record must stay readable by the previous
 * release (add fields with defaults; rename only with a Jackson migration).
 */
public interface JsonSerializable {}
