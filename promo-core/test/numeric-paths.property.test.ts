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
import { group, line, promo, request, type Json } from './support/promotions';

afterEach(() => {
  arithmetic.forceBigint = false;
});

const money = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/** A basket-threshold promotion (b) with every option drawn. */
const basketPromoArb = (id: string) =>
  fc
    .record({
      type: fc.constantFrom('p', 'v', 'f'),
      value: fc.integer({ min: 1, max: 8000 }),
      threshold: fc.integer({ min: 0, max: 6000 }),
      base: fc.constantFrom('m', 's', 'f'),
      limit: fc.integer({ min: 1, max: 4 }),
      cap: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: null }),
      node: fc.constantFrom('ALL', 'A', 'X'),
      applyOnDiscounted: fc.boolean(),
      layer: fc.constantFrom(100, 101),
    })
    .map((r) =>
      promo({
        id,
        family: 'b',
        evaluate_criteria: 'p',
        layer: r.layer,
        discount_type: r.type,
        discount_value: r.type === 'p' ? `${1 + (r.value % 100)}.00` : money(r.value),
        discount_value_on: r.base,
        max_application_limit: r.limit,
        max_discount: r.cap === null ? null : money(r.cap),
        apply_on_discounted_items: r.applyOnDiscounted,
        groups: [
          {
            ...group('g1', money(r.threshold), []),
            promo_group_nodes: [
              { node_id: r.node, node_type: r.node === 'X' ? 'c1' : 'i', is_excluded: false },
            ],
          },
        ],
      }),
    );

const both = (req: Json, promos: Json[]) => {
  arithmetic.forceBigint = false;
  const numbers = JSON.stringify(evaluate(req, promos));
  arithmetic.forceBigint = true;
  const bigints = JSON.stringify(evaluate(req, promos));
  arithmetic.forceBigint = false;
  return { numbers, bigints };
};

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
      basket: fc.tuple(basketPromoArb('B0'), basketPromoArb('B1'), basketPromoArb('B2')),
      k: fc.integer({ min: 1, max: 3 }),
      zero: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, (r) => {
        const req = request(r.items, r.zero ? { tenant_flags: { apply_zero_discount_promos: true } } : {});
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
        groups: [{ ...group('g1', '10.00', []), promo_group_nodes: [{ node_id: 'ALL', node_type: 'i' }] }],
      }),
    ];
    const { numbers, bigints } = both(request(items), promos);
    expect(numbers).toBe(bigints);
    expect(JSON.parse(numbers).basket.discount).toBe('1000.010');
  });
});
