/**
 * The throttles' SQLite store (migration 0008) on a real database file: a hub that closes the
 * file and opens it again — at any point of any sequence of guesses, successes, manual unlocks
 * and clock moves — refuses exactly what a hub that never restarted refuses, and lists the same
 * lockouts. Expired rows are pruned. The clock is the throttles' own (`now`), driven here.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Security } from '../src/modules/security/service';
import type { Db } from '../src/platform/db/database';
import { openDatabase } from '../src/platform/db/database';
import { removeTempDirs, tempDataDir } from './harness';

const MIN = 60_000;
const bus = { emitTo: () => undefined } as never;

function open(dir: string): Db {
  return openDatabase(dir);
}

afterAll(() => removeTempDirs());

type Op =
  | { kind: 'guess'; throttle: 'staffAccount' | 'pairingAddress' | 'pairingAll'; key: string; wrong: boolean }
  | { kind: 'unlock'; throttle: 'staffAccount' | 'pairingAddress'; key: string }
  | { kind: 'advance'; ms: number }
  | { kind: 'restart' };

const SCOPE = { staffAccount: 'staff_account', pairingAddress: 'pairing_address' } as const;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('guess' as const),
      throttle: fc.constantFrom('staffAccount' as const, 'pairingAddress' as const, 'pairingAll' as const),
      key: fc.constantFrom('a', 'b', 'c'),
      wrong: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unlock' as const),
      throttle: fc.constantFrom('staffAccount' as const, 'pairingAddress' as const),
      key: fc.constantFrom('a', 'b', 'c'),
    }),
  },
  // From a moment to past every window and lock (15 minutes).
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 1, max: 20 * MIN }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

/** Runs one guess: 'locked', or whether it counted as wrong. */
async function guess(s: Security, op: Extract<Op, { kind: 'guess' }>): Promise<string> {
  try {
    await s.guess(
      [[s[op.throttle], op.key]],
      () => op.wrong,
      () => {
        if (op.wrong) throw new Error('wrong');
        return 'ok';
      },
    );
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code === 'TOO_MANY_ATTEMPTS' ? 'locked' : 'wrong';
  }
}

describe('throttle state on disk', () => {
  it('a restart at any point changes no answer and no listed lockout', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
        const dir = tempDataDir();
        let t = Date.UTC(2026, 0, 1);
        const now = () => t;
        let db = open(dir);
        let disk = new Security(bus, db, now);
        const memory = new Security(bus, null, now);
        try {
          for (const op of ops) {
            if (op.kind === 'advance') t += op.ms;
            else if (op.kind === 'restart') {
              db.close();
              db = open(dir);
              disk = new Security(bus, db, now);
            } else if (op.kind === 'unlock') {
              expect(disk.clear(SCOPE[op.throttle], op.key)).toBe(memory.clear(SCOPE[op.throttle], op.key));
            } else expect(await guess(disk, op)).toBe(await guess(memory, op));
            expect(disk.lockouts()).toEqual(memory.lockouts());
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('prunes what expired when the hub starts again', async () => {
    const dir = tempDataDir();
    let t = Date.UTC(2026, 0, 1);
    let db = open(dir);
    const s = new Security(bus, db, () => t);
    for (let i = 0; i < 5; i++) s.staffAccount.fail('locked-one');
    s.staffAccount.fail('one-miss');
    const rows = () =>
      (db.prepare(`SELECT scope, key FROM throttle_entries ORDER BY key`).all() as object[]).length;
    expect(rows()).toBe(2);
    db.close();
    // Within the window both are kept; past the 15-minute lock and window neither is.
    t += 10 * MIN;
    db = open(dir);
    new Security(bus, db, () => t);
    expect(rows()).toBe(2);
    db.close();
    t += 6 * MIN;
    db = open(dir);
    const later = new Security(bus, db, () => t);
    expect(rows()).toBe(0);
    expect(later.lockouts()).toEqual([]);
    db.close();
  });
});
