/**
 * The record log hands a unit the array of its neighbour when both hold the same record
 * objects in the same order (issue 9: units of one line mostly do). These properties check
 * that each unit still reads exactly its own records in commit order, that an array is shared
 * only between neighbours whose records are identical, and that a log reused after another
 * evaluation's log starts clean.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordLog, type AppliedRecord } from '../src/promotions/state';

/** A pool of distinct record objects: drawing indices into it makes shared records likely. */
const pool: AppliedRecord[] = Array.from({ length: 6 }, (_, i) => ({
  promoId: `P${i}`,
  promoIdRetailer: `R${i}`,
  title: `t${i}`,
  family: 'e',
  discount: BigInt(i),
  finalPrice: 100n - BigInt(i),
  layer: 1,
  setIndex: 1,
  discountApplyType: 'i',
  role: 'target',
}));

/** Units and a commit-order log of (unit, record index) pairs over them. */
const logArb = fc.integer({ min: 1, max: 40 }).chain((units) =>
  fc.record({
    units: fc.constant(units),
    // runs of one record over neighbouring units, as a commit of one set leaves them
    adds: fc.array(
      fc.record({
        from: fc.nat({ max: units - 1 }),
        span: fc.integer({ min: 1, max: 8 }),
        rec: fc.nat({ max: pool.length - 1 }),
      }),
      { maxLength: 30 },
    ),
  }),
);

function expand(units: number, adds: { from: number; span: number; rec: number }[]): [number, number][] {
  const out: [number, number][] = [];
  for (const a of adds) for (let u = a.from; u < Math.min(units, a.from + a.span); u++) out.push([u, a.rec]);
  return out;
}

describe('record log per unit', () => {
  it('every unit reads its own records in commit order; arrays are shared only by equal neighbours', () => {
    fc.assert(
      fc.property(logArb, logArb, ({ units, adds }, other) => {
        // another evaluation's log, used to the end first: the scratch must carry nothing over
        const before = new RecordLog(other.units);
        for (const [u, r] of expand(other.units, other.adds)) before.add(u, pool[r]!);
        before.perUnit();

        const log = new RecordLog(units);
        const pairs = expand(units, adds);
        for (const [u, r] of pairs) log.add(u, pool[r]!);
        const got = log.perUnit();

        const expected: AppliedRecord[][] = Array.from({ length: units }, () => []);
        for (const [u, r] of pairs) expected[u]!.push(pool[r]!);
        expect(got.length).toBe(units);
        for (let u = 0; u < units; u++) {
          expect(got[u]!.length).toBe(expected[u]!.length);
          for (let i = 0; i < expected[u]!.length; i++) expect(got[u]![i]).toBe(expected[u]![i]);
          if (u > 0) {
            const equal =
              expected[u]!.length === expected[u - 1]!.length &&
              expected[u]!.every((r, i) => r === expected[u - 1]![i]);
            // shared exactly when equal to the neighbour (and then no second array is made)
            expect(got[u] === got[u - 1]).toBe(equal);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a log cannot be read after another evaluation started its own', () => {
    const first = new RecordLog(2);
    first.add(0, pool[0]!);
    const second = new RecordLog(2);
    expect(() => first.perUnit()).toThrow(/another evaluation/);
    expect(second.perUnit()).toEqual([[], []]);
  });
});
