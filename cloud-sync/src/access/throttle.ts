/**
 * Sign-in throttling, kept in the database so it holds across HQ processes: 5 failures for one
 * username (30 from one client address, which may be a shared office) within 15 minutes lock
 * that key, for 1 minute at first and doubling with each further failure up to an hour. A
 * success clears the username's count.
 */
import type { DashDb } from './schema';

export const THROTTLE = {
  maxFailures: 5,
  maxFailuresPerAddress: 30,
  windowMs: 15 * 60_000,
  firstLockMs: 60_000,
  maxLockMs: 3_600_000,
};

export interface Lock {
  locked: boolean;
  retryAfterSeconds: number;
}

export async function lockedFor(db: DashDb, keys: readonly string[], now = new Date()): Promise<Lock> {
  const rows = await db
    .selectFrom('hq_login_failures')
    .select(['locked_until'])
    .where('throttle_key', 'in', keys)
    .execute();
  let until = 0;
  for (const r of rows) if (r.locked_until) until = Math.max(until, new Date(r.locked_until).getTime());
  const ms = until - now.getTime();
  return ms > 0
    ? { locked: true, retryAfterSeconds: Math.ceil(ms / 1000) }
    : { locked: false, retryAfterSeconds: 0 };
}

/** The lock after a failure under one key (pure, so the policy is tested without a database). */
export function afterFailure(
  prev: { failures: number; window_started_at: number } | null,
  now: number,
  maxFailures: number = THROTTLE.maxFailures,
): { failures: number; window_started_at: number; locked_until: number | null } {
  const fresh = !prev || now - prev.window_started_at > THROTTLE.windowMs;
  const failures = fresh ? 1 : prev.failures + 1;
  const start = fresh ? now : prev.window_started_at;
  if (failures < maxFailures) return { failures, window_started_at: start, locked_until: null };
  const lock = Math.min(THROTTLE.firstLockMs * 2 ** (failures - maxFailures), THROTTLE.maxLockMs);
  return { failures, window_started_at: start, locked_until: now + lock };
}

export async function recordFailure(db: DashDb, keys: readonly string[], now = new Date()): Promise<void> {
  for (const key of keys) {
    await db.transaction().execute(async (tx) => {
      const prev = await tx
        .selectFrom('hq_login_failures')
        .select(['failures', 'window_started_at'])
        .where('throttle_key', '=', key)
        .forUpdate()
        .executeTakeFirst();
      const next = afterFailure(
        prev
          ? { failures: prev.failures, window_started_at: new Date(prev.window_started_at).getTime() }
          : null,
        now.getTime(),
        key.startsWith('ip:') ? THROTTLE.maxFailuresPerAddress : THROTTLE.maxFailures,
      );
      const values = {
        throttle_key: key,
        failures: next.failures,
        window_started_at: new Date(next.window_started_at).toISOString(),
        locked_until: next.locked_until === null ? null : new Date(next.locked_until).toISOString(),
      };
      await tx
        .insertInto('hq_login_failures')
        .values(values)
        .onConflict((oc) =>
          oc.column('throttle_key').doUpdateSet({
            failures: values.failures,
            window_started_at: values.window_started_at,
            locked_until: values.locked_until,
          }),
        )
        .execute();
    });
  }
}

export async function clearFailures(db: DashDb, key: string): Promise<void> {
  await db.deleteFrom('hq_login_failures').where('throttle_key', '=', key).execute();
}
