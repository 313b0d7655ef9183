/**
 * Sequence counters (spec/store.md §2.4): one row per (name, scope), incremented inside the
 * caller's write transaction, wrapping to min after max. Only the hub allocates numbers, so
 * offline operation cannot create duplicates.
 */
import type { Db } from './database';
import { cached } from './database';

export function nextSequence(db: Db, name: string, scope: string, min: number, max: number): number {
  const row = cached(db, `SELECT current FROM sequences WHERE name = ? AND scope_key = ?`).get(
    name,
    scope,
  ) as { current: number } | undefined;
  const next = row === undefined || row.current >= max || row.current < min ? min : row.current + 1;
  cached(
    db,
    `INSERT INTO sequences(name, scope_key, current, min, max) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(name, scope_key) DO UPDATE SET current = excluded.current, min = excluded.min, max = excluded.max`,
  ).run(name, scope, next, min, max);
  return next;
}
