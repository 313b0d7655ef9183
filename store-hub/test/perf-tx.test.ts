/**
 * Durability by value (issue 8 §3): a relaxed transaction commits at synchronous=NORMAL and
 * puts FULL back afterwards, whatever happens; a nested transaction keeps the outer one's
 * setting; rollback hooks run only when the work they guard was rolled back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db/database';
import { Tx } from '../src/platform/db/tx';
import { removeTempDirs, tempDataDir } from './harness';

afterAll(removeTempDirs);

const FULL = 2;
const NORMAL = 1;

describe('Tx durability and rollback hooks', () => {
  it('commits relaxed transactions at NORMAL, everything else at FULL', () => {
    const db = openDatabase(tempDataDir());
    const tx = new Tx(db);
    const level = (): number => db.pragma('synchronous', { simple: true }) as number;
    expect(level()).toBe(FULL);
    expect(tx.run(() => level(), { relaxed: true })).toBe(NORMAL);
    expect(level()).toBe(FULL);
    expect(() =>
      tx.run(
        () => {
          throw new Error('refused');
        },
        { relaxed: true },
      ),
    ).toThrow('refused');
    expect(level()).toBe(FULL);
    // An order (FULL) that touches a basket (relaxed) stays FULL: the outer setting wins.
    expect(tx.run(() => tx.run(() => level(), { relaxed: true }))).toBe(FULL);
    db.close();
  });

  it('runs rollback hooks of a failed transaction or savepoint, newest first, and drops them on commit', () => {
    const db = openDatabase(tempDataDir());
    const tx = new Tx(db);
    const seen: string[] = [];
    tx.run(() => tx.onRollback(() => seen.push('committed')));
    expect(seen).toEqual([]);
    expect(() =>
      tx.run(() => {
        tx.onRollback(() => seen.push('first'));
        tx.onRollback(() => seen.push('second'));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(seen).toEqual(['second', 'first']);
    seen.length = 0;
    tx.run(() => {
      tx.onRollback(() => seen.push('outer'));
      try {
        tx.run(() => {
          tx.onRollback(() => seen.push('inner'));
          throw new Error('inner');
        });
      } catch {
        // the outer transaction carries on and commits
      }
    });
    expect(seen).toEqual(['inner']);
    db.close();
  });
});
