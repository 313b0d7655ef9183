/**
 * The allocation work of issue 9 (the engine's tail) changes representations only: basket
 * spreads held in typed arrays, cumulative discounts as numbers, records kept in a shared
 * log, scratch flags and shared small bigints reused across evaluations. These properties
 * check that none of it shows: the number and bigint paths give identical bytes for the
 * typed result (records included) and the wire response, and an evaluation gives the same
 * bytes whatever ran before it.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateDetailed } from '../src';
import { bigintOf } from '../src/promotions/numeric';
import { buildUnits, type BasketItem } from '../src/promotions/request';
import { arithmetic } from '../src/promotions/state';
import { basketSpaceArb, spacePromoArb } from './support/promotion-space';
import {
  allItemsGroup,
  basketPromoArb,
  detailedBytes as bytes,
  onBothPaths,
  requestWithZeroFlag,
} from './support/paths';
import { line, promo, request, type Json } from './support/promotions';

afterEach(() => {
  arithmetic.forceBigint = false;
});

const instanceArb = fc.record({
  items: basketSpaceArb,
  item: fc.tuple(
    spacePromoArb('I0', { criteria: 'b', layer: 1 }),
    spacePromoArb('I1', { criteria: 'p', layer: 1 }),
    spacePromoArb('I2', { criteria: 'b', layer: 100 }),
    spacePromoArb('I3', { criteria: 'p', layer: 101 }),
  ),
  spread: fc.tuple(
    basketPromoArb('B0', ['b', 'p']),
    basketPromoArb('B1', ['b', 'p']),
    basketPromoArb('B2', ['b', 'p']),
    basketPromoArb('B3', ['b', 'p']),
  ),
  k: fc.integer({ min: 0, max: 4 }),
  zero: fc.boolean(),
});

const reqOf = (r: { items: Json[]; zero: boolean }) => requestWithZeroFlag(r.items, r.zero);

describe('engine scratch and typed arrays leave no trace', () => {
  it('number and bigint paths give identical bytes: typed result with every record, and the wire response', () => {
    fc.assert(
      fc.property(instanceArb, (r) => {
        const promos = [...r.item, ...r.spread.slice(0, r.k)];
        const { numbers, bigints } = onBothPaths(() => bytes(reqOf(r), promos));
        expect(numbers).toBe(bigints);
      }),
      { numRuns: 250 },
    );
  }, 180_000);

  it('an evaluation gives the same bytes whatever was evaluated before it (scratch reuse)', () => {
    fc.assert(
      fc.property(instanceArb, instanceArb, (a, b) => {
        const pa = [...a.item, ...a.spread.slice(0, a.k)];
        const pb = [...b.item, ...b.spread.slice(0, b.k)];
        const first = bytes(reqOf(a), pa);
        bytes(reqOf(b), pb);
        arithmetic.forceBigint = true;
        bytes(reqOf(b), pb);
        arithmetic.forceBigint = false;
        expect(bytes(reqOf(a), pa)).toBe(first);
      }),
      { numRuns: 120 },
    );
  }, 180_000);

  it('several best-discount basket spreads in one layer: the best is chosen alike on both paths', () => {
    const items = [line('A', '12.34', 3), line('B', '7.99', 2), line('C', '120.00', 1)];
    const spread = (id: string, type: string, value: string, cap: string | null) =>
      promo({
        id,
        family: 'b',
        evaluate_criteria: 'b',
        layer: 100,
        discount_type: type,
        discount_value: value,
        max_discount: cap,
        max_application_limit: 3,
        groups: [allItemsGroup('10.00')],
      });
    const promos = [
      spread('P', 'p', '7.00', null),
      spread('V', 'v', '9.99', null),
      spread('F', 'f', '150.00', '12.00'),
    ];
    const { numbers, bigints } = onBothPaths(() => bytes(request(items), promos));
    expect(numbers).toBe(bigints);
    const typed = evaluateDetailed(request(items), promos).result;
    expect(typed.basketPromos).toHaveLength(1);
    // every unit carries the one applied spread's record, in its own set 1
    for (const l of typed.lines)
      for (const u of l.units) {
        expect(u.records.map((x) => [x.promoId, x.role, x.setIndex])).toEqual([
          [typed.basketPromos[0]!.promoId, 'target', 1],
        ]);
        expect(u.records[0]!.discount).toBe(u.discount);
      }
  });

  it('shared small bigints equal fresh ones', () => {
    for (const n of [0, 1, 2, 8191, 8192, 123456789, 2 ** 53 - 1]) expect(bigintOf(n)).toBe(BigInt(n));
  });

  it('category keys: the character test keeps exactly the names /^c[1-7]$/ keeps', () => {
    const name = fc.oneof(
      fc.constantFrom('c1', 'c7', 'c0', 'c8', 'C1', 'c1\n', ' c1', 'c12', 'c', ''),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, value: fc.string({ maxLength: 3 }) }), { maxLength: 6 }),
        (cats) => {
          const item = { sku: 'A', sp: '1.00', qty: 1, categories: cats } as unknown as BasketItem;
          const expected = cats.filter((c) => /^c[1-7]$/.test(c.name)).map((c) => `${c.name}:${c.value}`);
          expect(buildUnits([item]).units[0]!.categoryKeys).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
