/**
 * The inbox's tables. `sync_streams`: the applied version per cloud → store stream (§6.3);
 * `sync_inbox`: every record handled, by event_id (or partition/offset when it had none), so a
 * redelivery after a crash is recognised; `sync_snapshot_parts`: chunks of a large snapshot held
 * until all of them are in; `sync_dead_letters`: refused records waiting to reach the
 * dead-letter topic (written in the same transaction as the refusal, so none is lost).
 */
export const SYNC_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS sync_streams (
  stream TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  event_id TEXT,
  applied_at TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS sync_inbox (
  inbox_key TEXT PRIMARY KEY,
  type TEXT,
  stream TEXT,
  version INTEGER,
  outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'ignored', 'buffered', 'stored', 'dead_letter')),
  detail TEXT,
  received_at TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS sync_snapshot_parts (
  stream TEXT NOT NULL,
  version INTEGER NOT NULL,
  chunk_index INTEGER NOT NULL,
  chunk_count INTEGER NOT NULL,
  type TEXT NOT NULL,
  event_id TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (stream, version, chunk_index)
) STRICT;

CREATE TABLE IF NOT EXISTS sync_dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  inbox_key TEXT NOT NULL UNIQUE,
  record TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS sync_dead_letters_unsent ON sync_dead_letters(id) WHERE sent_at IS NULL;
`;
