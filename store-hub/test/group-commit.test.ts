/**
 * Group commit (issue 8 §3, Tx.group) on real SQLite files: members of one event-loop turn
 * share one transaction, each in its own savepoint; a member's failure undoes only itself;
 * answers and after-commit effects come only after the one COMMIT, in arrival order; mixed
 * durability splits the group; a COMMIT that SQLite refuses (a deferred foreign key) and a
 * statement that makes SQLite roll the whole transaction back (SQLITE_FULL through
 * max_page_count) answer every member that ran with 503 COMMIT_FAILED and run their undos.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/platform/db/database';
import { DB_FILE, openDatabase } from '../src/platform/db/database';
import { Tx } from '../src/platform/db/tx';
import { HubError } from '../src/platform/errors';
import { Idempotency } from '../src/platform/http/idempotency';
import { removeTempDirs, tempDataDir } from './harness';

afterAll(removeTempDirs);

const FULL = 2;
const NORMAL = 1;

function setup(): { db: Db; tx: Tx; dir: string; reader: Database.Database; rows: () => string[] } {
  const dir = tempDataDir();
  const db = openDatabase(dir, { migrate: false });
  db.exec(`CREATE TABLE t(v TEXT NOT NULL)`);
  // A second connection sees only what was committed.
  const reader = new Database(path.join(dir, DB_FILE), { readonly: true });
  const rows = (): string[] =>
    (reader.prepare(`SELECT v FROM t ORDER BY rowid`).all() as { v: string }[]).map((r) => r.v);
  return { db, tx: new Tx(db), dir, reader, rows };
}

const settle = <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; err: unknown }> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, err }),
  );

describe('Tx.group', () => {
  it('runs the turn’s members in one transaction, a failing member rolling back only its savepoint', async () => {
    const { db, tx, reader, rows } = setup();
    const ins = db.prepare(`INSERT INTO t(v) VALUES (?)`);
    const undone: string[] = [];
    const member = (v: string, fail = false) =>
      tx.group(() => {
        ins.run(v);
        tx.onRollback(() => undone.push(v));
        if (fail) throw new HubError('BASKET_EMPTY', `${v} refused`);
        // Inside the one transaction: the earlier members' rows are visible here, not on disk.
        return {
          seen: (db.prepare(`SELECT count(*) AS n FROM t`).get() as { n: number }).n,
          onDisk: rows().length,
        };
      });
    const commitsBefore = tx.groupStats.commits;
    const out = await Promise.all([settle(member('a')), settle(member('b', true)), settle(member('c'))]);
    expect(out[0]).toEqual({ ok: true, value: { seen: 1, onDisk: 0 } });
    expect(out[1]!.ok).toBe(false);
    expect((out[1] as { err: HubError }).err.code).toBe('BASKET_EMPTY');
    // c sees a, not b: b's savepoint was rolled back before c ran.
    expect(out[2]).toEqual({ ok: true, value: { seen: 2, onDisk: 0 } });
    expect(rows()).toEqual(['a', 'c']);
    expect(undone).toEqual(['b']);
    expect(tx.groupStats.commits - commitsBefore).toBe(1);
    expect(db.inTransaction).toBe(false);
    reader.close();
    db.close();
  });

  it('runs after-commit effects in arrival order once committed, and answers after them', async () => {
    const { db, tx, reader, rows } = setup();
    const ins = db.prepare(`INSERT INTO t(v) VALUES (?)`);
    const log: string[] = [];
    const member = (v: string, fail = false) =>
      tx
        .group(() => {
          ins.run(v);
          tx.afterCommit(() => log.push(`effect ${v}: on disk ${rows().join(',')}`));
          // A nested run (a service's own transaction) is a savepoint; its effects wait too.
          tx.run(() => tx.afterCommit(() => log.push(`nested ${v}`)));
          if (fail) throw new Error(`${v} broke`);
          return v;
        })
        .then(
          (x) => log.push(`answer ${x}`),
          () => log.push(`error ${v}`),
        );
    const all = Promise.all([member('x'), member('y', true), member('z')]);
    // Nothing ran synchronously: the members wait for the end of the turn.
    expect(rows()).toEqual([]);
    expect(log).toEqual([]);
    await all;
    expect(log).toEqual([
      'effect x: on disk x,z',
      'nested x',
      'effect z: on disk x,z',
      'nested z',
      'answer x',
      'error y',
      'answer z',
    ]);
    reader.close();
    db.close();
  });

  it('splits a turn by durability in arrival order: relaxed members commit at NORMAL, the rest at FULL', async () => {
    const { db, tx, reader } = setup();
    const level = (): number => db.pragma('synchronous', { simple: true }) as number;
    const commitsBefore = tx.groupStats.commits;
    const levels = await Promise.all([
      tx.group(() => level()),
      tx.group(() => level(), { relaxed: true }),
      tx.group(() => level(), { relaxed: true }),
      tx.group(() => level()),
      tx.group(() => level()),
    ]);
    expect(levels).toEqual([FULL, NORMAL, NORMAL, FULL, FULL]);
    expect(tx.groupStats.commits - commitsBefore).toBe(3);
    expect(level()).toBe(FULL);
    reader.close();
    db.close();
  });

  it('answers every member 503 COMMIT_FAILED and runs every undo when SQLite refuses the COMMIT', async () => {
    const { db, tx, reader, rows } = setup();
    db.exec(`CREATE TABLE parent(id INTEGER PRIMARY KEY);
             CREATE TABLE child(pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
    const undone: string[] = [];
    const effects: string[] = [];
    const ins = db.prepare(`INSERT INTO t(v) VALUES (?)`);
    const ok = (v: string) =>
      tx.group(() => {
        ins.run(v);
        tx.onRollback(() => undone.push(v));
        tx.afterCommit(() => effects.push(v));
        return v;
      });
    // A dangling reference checked only at COMMIT: the statement succeeds, the COMMIT fails.
    const dangling = tx.group(() => {
      db.prepare(`INSERT INTO child(pid) VALUES (42)`).run();
      tx.onRollback(() => undone.push('child'));
      return 'child';
    });
    const refused = tx.group((): string => {
      tx.onRollback(() => undone.push('refused'));
      throw new HubError('BASKET_EMPTY', 'refused on its own');
    });
    const out = await Promise.all([settle(ok('p')), settle(dangling), settle(refused), settle(ok('q'))]);
    for (const o of out) {
      expect(o.ok).toBe(false);
      const err = (o as { err: HubError }).err;
      expect(err).toBeInstanceOf(HubError);
      expect(err.code).toBe('COMMIT_FAILED');
      expect(err.status).toBe(503);
      expect(err.message).toMatch(/could not save/);
      expect(err.toBody().error.details).toEqual({ reason: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    }
    expect(effects).toEqual([]);
    // Arrival order was child, refused, p, q: 'refused' was undone when its savepoint rolled
    // back, the rest when the COMMIT failed, newest first.
    expect(undone).toEqual(['refused', 'q', 'p', 'child']);
    expect(rows()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    // The connection is usable again.
    await expect(ok('after')).resolves.toBe('after');
    expect(rows()).toEqual(['after']);
    reader.close();
    db.close();
  });

  it('treats a statement error that makes SQLite roll the whole transaction back as a lost group; later members get one of their own', async () => {
    const { db, tx, reader, rows } = setup();
    const ins = db.prepare(`INSERT INTO t(v) VALUES (?)`);
    ins.run('seed');
    const pages = db.pragma('page_count', { simple: true }) as number;
    // A real SQLITE_FULL: the file may not grow by more than a couple of pages.
    db.pragma(`max_page_count = ${pages + 2}`);
    const undone: string[] = [];
    const effects: string[] = [];
    const member = (v: string) =>
      tx.group(() => {
        ins.run(v);
        tx.onRollback(() => undone.push(v.slice(0, 5)));
        tx.afterCommit(() => effects.push(v.slice(0, 5)));
        return v.slice(0, 5);
      });
    const out = await Promise.all([
      settle(member('first')),
      settle(member('huge-' + 'x'.repeat(200_000))),
      settle(member('after')),
    ]);
    expect((out[0] as { err: HubError }).err.code).toBe('COMMIT_FAILED');
    expect((out[1] as { err: HubError }).err.code).toBe('COMMIT_FAILED');
    expect((out[1] as { err: HubError }).err.toBody().error.details).toEqual({ reason: 'SQLITE_FULL' });
    expect(out[2]).toEqual({ ok: true, value: 'after' });
    // The huge insert failed before it registered its undo; first's undo ran.
    expect(undone).toEqual(['first']);
    expect(effects).toEqual(['after']);
    expect(rows()).toEqual(['seed', 'after']);
    reader.close();
    db.close();
  });

  it('inside an open transaction is a savepoint of it, settled with it', async () => {
    const { db, tx, reader, rows } = setup();
    const ins = db.prepare(`INSERT INTO t(v) VALUES (?)`);
    let p: Promise<string> | undefined;
    tx.run(() => {
      p = tx.group(() => {
        ins.run('inner');
        return 'inner';
      });
    });
    await expect(p!).resolves.toBe('inner');
    expect(rows()).toEqual(['inner']);
    let lost: Promise<string> | undefined;
    expect(() =>
      tx.run(() => {
        lost = tx.group(() => {
          ins.run('lost');
          return 'lost';
        });
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    await expect(lost!).rejects.toMatchObject({ code: 'COMMIT_FAILED' });
    expect(rows()).toEqual(['inner']);
    reader.close();
    db.close();
  });

  it('runs a repeated Idempotency-Key of the same group once and answers both alike', async () => {
    const db = openDatabase(tempDataDir());
    const tx = new Tx(db);
    const idem = new Idempotency(db, tx);
    db.exec(`CREATE TABLE effects(n INTEGER)`);
    let runs = 0;
    const handler = () => {
      runs++;
      tx.run(() => db.prepare(`INSERT INTO effects(n) VALUES (?)`).run(runs));
      return { status: 201, body: { data: { run: runs } } };
    };
    const call = () => tx.group(() => idem.runSync('dev-1', 'key-1', 'hash-1', handler));
    const [a, b] = await Promise.all([call(), call()]);
    expect(runs).toBe(1);
    expect(a).toEqual({ status: 201, body: { data: { run: 1 } } });
    expect(b).toEqual(a);
    expect((db.prepare(`SELECT count(*) AS n FROM effects`).get() as { n: number }).n).toBe(1);
    db.close();
  });

  it('property: whatever the mix of members, disk, effects, undos and answers agree', async () => {
    const { db, tx, reader, rows } = setup();
    const ins = db.prepare(`INSERT INTO t(v) VALUES (?)`);
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            relaxed: fc.boolean(),
            fail: fc.constantFrom('none', 'refuse', 'nested-refuse'),
            rows: fc.integer({ min: 0, max: 3 }),
            // Members handed over in later turns (0 = this turn).
            turn: fc.integer({ min: 0, max: 2 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (spec) => {
          db.exec(`DELETE FROM t`);
          const effects: string[] = [];
          const undone: string[] = [];
          const expected: string[] = [];
          const pending: Promise<unknown>[] = [];
          const answers: string[] = [];
          for (let turn = 0; turn <= 2; turn++) {
            for (const m of spec.filter((s) => s.turn === turn)) {
              const id = `m${++seq}`;
              const vals = Array.from({ length: m.rows }, (_, i) => `${id}.${i}`);
              if (m.fail === 'none') expected.push(...vals, `${id}.nested`);
              else if (m.fail === 'nested-refuse') expected.push(...vals);
              pending.push(
                tx
                  .group(
                    () => {
                      for (const v of vals) ins.run(v);
                      tx.onRollback(() => undone.push(id));
                      tx.afterCommit(() => effects.push(id));
                      try {
                        tx.run(() => {
                          ins.run(`${id}.nested`);
                          if (m.fail === 'nested-refuse') throw new HubError('BASKET_EMPTY', 'nested');
                        });
                      } catch {
                        // the member carries on without its nested part
                      }
                      if (m.fail === 'refuse') throw new HubError('BASKET_EMPTY', 'refused');
                      return id;
                    },
                    { relaxed: m.relaxed },
                  )
                  .then(
                    (x) => {
                      // Answered after its commit and its effects.
                      expect(effects).toContain(x);
                      expect(rows().length).toBeGreaterThanOrEqual(vals.length);
                      answers.push(x);
                    },
                    (err: HubError) => expect(err.code).toBe('BASKET_EMPTY'),
                  ),
              );
            }
            await new Promise((r) => setImmediate(r));
          }
          await Promise.all(pending);
          expect(rows().sort()).toEqual(expected.sort());
          const okIds = answers;
          expect(effects.sort()).toEqual([...okIds].sort());
          // Undo ran for exactly the refused members (a nested refusal undoes only the nested part).
          expect(undone.length).toBe(spec.filter((s) => s.fail === 'refuse').length);
          expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
          expect(db.inTransaction).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
    reader.close();
    db.close();
  });
});
