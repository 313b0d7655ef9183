/**
 * The throttles' entries in SQLite (migration 0008): written through on every failure, lock,
 * success after failures and manual unlock, and loaded when the hub starts, so a restart keeps
 * every lockout and every failure still in its window. Prepared once; each write is its own
 * autocommit statement (a wrong guess is rare, and must be on disk before the answer).
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database';
import type { ThrottleEntry, ThrottleStore } from '../../platform/http/throttle';

const rowSchema = z.object({
  key: z.string(),
  failures: z.string(),
  locked_until: z.number().int(),
});
const failuresSchema = z.array(z.number().int());

export class SqliteThrottleStore implements ThrottleStore {
  private readonly selectScope;
  private readonly upsert;
  private readonly del;
  private readonly pruneScope;

  constructor(db: Db) {
    this.selectScope = db.prepare(
      `SELECT key, failures, locked_until FROM throttle_entries WHERE scope = ? ORDER BY key`,
    );
    this.upsert = db.prepare(
      `INSERT INTO throttle_entries (scope, key, failures, last_failure_at, locked_until)
       VALUES (@scope, @key, @failures, @last, @locked)
       ON CONFLICT (scope, key) DO UPDATE SET failures = excluded.failures,
         last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`,
    );
    this.del = db.prepare(`DELETE FROM throttle_entries WHERE scope = ? AND key = ?`);
    this.pruneScope = db.prepare(
      `DELETE FROM throttle_entries WHERE scope = ? AND locked_until <= ? AND last_failure_at <= ?`,
    );
  }

  *load(scope: string): Iterable<[string, ThrottleEntry]> {
    for (const raw of this.selectScope.all(scope)) {
      const r = rowSchema.parse(raw);
      const failures = failuresSchema.safeParse(JSON.parse(r.failures));
      // A row this code cannot read keeps its lock at least; its failures start again.
      yield [r.key, { failures: failures.success ? failures.data : [], lockedUntil: r.locked_until }];
    }
  }

  save(scope: string, key: string, e: ThrottleEntry): void {
    this.upsert.run({
      scope,
      key,
      failures: JSON.stringify(e.failures),
      // A lock empties the failures: once it has passed, nothing is left to keep.
      last: e.failures.length > 0 ? Math.max(...e.failures) : 0,
      locked: e.lockedUntil,
    });
  }

  remove(scope: string, key: string): void {
    this.del.run(scope, key);
  }

  prune(scope: string, now: number, windowStart: number): void {
    this.pruneScope.run(scope, now, windowStart);
  }
}
