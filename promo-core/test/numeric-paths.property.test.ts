/**
 * The number paths of the engine (integer minor units as plain numbers where the evaluation
 * proved every amount stays below 2^53) give exactly the bigint paths' results (issue 9).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluate } from '../src';
import { numericSafe, roundDivN, sortByKeys } from '../src/promotions/numeric';
import { arithmetic } from '../src/promotions/state';
import { basketSpaceArb, spacePromoArb } from './support/promotion-space';
import { allItemsGroup, basketPromoArb, onBothPaths, requestWithZeroFlag } from './support/paths';
import { line, promo, request, type Json } from './support/promotions';

afterEach(() => {
  arithmetic.forceBigint = false;
});

const both = (req: Json, promos: Json[]) => onBothPaths(() => JSON.stringify(evaluate(req, promos)));

describe('number paths = bigint paths', () => {
  it('roundDivN is the spec roundDiv on integers up to 2^53', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 50n }), fc.bigInt({ min: 1n, max: 2n ** 50n }), (n, d) => {
        expect(BigInt(roundDivN(Number(n), Number(d)))).toBe((2n * n + d) / (2n * d));
      }),
      { numRuns: 2000 },
    );
  });

  it('sortByKeys orders like the built-in sort (keys, then index), short and long lists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 0, maxLength: 80 }),
        fc.constantFrom<1 | -1>(1, -1),
        (keyList, dir) => {
          const keys = Float64Array.from(keyList);
          const idx = keyList.map((_, i) => i).reverse();
          const expected = [...idx].sort((a, b) => (keys[a]! - keys[b]!) * dir || a - b);
          expect(sortByKeys([...idx], keys, dir)).toEqual(expected);
          expect([...sortByKeys(Int32Array.from(idx), keys, dir)]).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the numeric bound admits realistic baskets and refuses amounts that could pass 2^53', () => {
    expect(numericSafe(60_000_000n)).toBe(true); // a 600,000.00 basket in a 2-decimal currency
    expect(numericSafe(70_000_000n)).toBe(false);
  });

  it('every evaluation gives a byte-identical response either way', () => {
    const arb = fc.record({
      items: basketSpaceArb,
      item: fc.tuple(
        spacePromoArb('I0', { criteria: 'b', layer: 1 }),
        spacePromoArb('I1', { criteria: 'p', layer: 1 }),
        spacePromoArb('I2', { criteria: 'b', layer: 2 }),
      ),
      basket: fc.tuple(basketPromoArb('B0', ['p']), basketPromoArb('B1', ['p']), basketPromoArb('B2', ['p'])),
      k: fc.integer({ min: 1, max: 3 }),
      zero: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, (r) => {
        const req = requestWithZeroFlag(r.items, r.zero);
        const { numbers, bigints } = both(req, [...r.item, ...r.basket.slice(0, r.k)]);
        expect(numbers).toBe(bigints);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('a basket too large for the number bound is priced on bigints, with the same rules', () => {
    const items = [line('A', '99999999.99', 4), line('B', '12.34', 3)];
    const promos = [
      promo({
        id: 'B',
        family: 'b',
        layer: 100,
        discount_type: 'v',
        discount_value: '1000.01',
        groups: [allItemsGroup('10.00')],
      }),
    ];
    const { numbers, bigints } = both(request(items), promos);
    expect(numbers).toBe(bigints);
    expect(JSON.parse(numbers).basket.discount).toBe('1000.010');
  });
});
