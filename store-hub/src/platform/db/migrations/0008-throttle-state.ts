import type { Migration } from './types';

/**
 * Failed-attempt throttles (staff PINs, pairing codes) on disk (issue 8 §2): one row per
 * throttled key with the failures still in its window and the lock, if any, so a restart — or
 * a crash a guesser provokes — does not forgive the guesser. Times are ms since the epoch.
 * Rows neither locked nor with a failure in the window are pruned (at start and as keys pile up).
 */
export const m0008: Migration = {
  version: 8,
  name: 'throttle state: PIN and pairing-code lockouts survive a restart',
  sql: `
CREATE TABLE throttle_entries (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  failures TEXT NOT NULL CHECK (json_valid(failures) AND json_type(failures) = 'array'),
  last_failure_at INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, key)
) STRICT;
CREATE INDEX throttle_entries_expiry ON throttle_entries(scope, locked_until, last_failure_at);
`,
};
