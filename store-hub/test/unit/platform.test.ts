import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Tx } from '../../src/platform/db/tx';
import { openDatabase } from '../../src/platform/db/database';
import { bearerToken } from '../../src/platform/http/guards';
import { canonicalJson, jsonDepthExceeds } from '../../src/platform/json';
import { removeTempDirs, tempDataDir } from '../harness';

afterAll(removeTempDirs);

describe('Tx: effects after the outermost commit', () => {
  it('runs queued effects only once the outer transaction committed, and none after a rollback', () => {
    const db = openDatabase(tempDataDir());
    db.exec(`CREATE TABLE t (v TEXT)`);
    const tx = new Tx(db);
    const seen: string[] = [];
    tx.run(() => {
      db.prepare(`INSERT INTO t VALUES ('a')`).run();
      tx.afterCommit(() => seen.push(`outer sees ${db.inTransaction ? 'open' : 'committed'}`));
      tx.run(() => tx.afterCommit(() => seen.push('inner')));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['outer sees committed', 'inner']);
    seen.length = 0;
    expect(() =>
      tx.run(() => {
        tx.afterCommit(() => seen.push('never'));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    // A rolled-back savepoint drops its effects; the outer commit keeps the rest.
    tx.run(() => {
      tx.afterCommit(() => seen.push('kept'));
      try {
        tx.run(() => {
          tx.afterCommit(() => seen.push('dropped'));
          throw new Error('inner');
        });
      } catch {
        // the outer transaction carries on
      }
    });
    expect(seen).toEqual(['kept']);
    tx.afterCommit(() => seen.push('now'));
    expect(seen).toEqual(['kept', 'now']);
    db.close();
  });
});

describe('JSON helpers', () => {
  it('canonical JSON ignores key order and round-trips the value', () => {
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .reverse()
                .map((k) => [k, reversed((v as Record<string, unknown>)[k])]),
            )
          : v;
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalJson(v);
        expect(canonicalJson(reversed(v))).toBe(c);
        expect(canonicalJson(JSON.parse(c))).toBe(c);
        expect(JSON.parse(c)).toStrictEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
  });

  it('measures nesting without recursion, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeds('[[["[[[[[["]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":"\\"[[[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('['.repeat(100_000) + ']'.repeat(100_000), 64)).toBe(true);
    // Deep values cost heap, not stack.
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(canonicalJson(deep).length).toBe(200_001);
  });

  it('accepts the bearer scheme in any case (RFC 7235)', () => {
    expect(bearerToken('Bearer dev_x')).toBe('dev_x');
    expect(bearerToken('bearer dev_x')).toBe('dev_x');
    expect(bearerToken('BEARER   dev_x ')).toBe('dev_x');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
