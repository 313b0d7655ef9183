import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateDetailed } from '../src';
import { basketArb, itemPromoArb, request, type Json } from './support/promotions';

const promosArb = (n: { min: number; max: number }, criteria: 'p' | 'b' = 'b'): fc.Arbitrary<Json[]> =>
  fc
    .integer({ min: n.min, max: n.max })
    .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => itemPromoArb(`P${i}`, criteria))));

/** Total discount when the promotions are applied in this order as a priority cluster. */
function totalInOrder(promos: Json[], order: number[], items: Json[]): bigint {
  const ordered = order.map((idx, position) => ({
    ...promos[idx]!,
    evaluate_criteria: 'p',
    evaluate_priority: position,
  }));
  return evaluateDetailed(request(items), ordered).result.totals.discount;
}

function* perms(n: number): Generator<number[]> {
  const a = Array.from({ length: n }, (_, i) => i);
  const rec = function* (k: number): Generator<number[]> {
    if (k === n) yield [...a];
    for (let i = k; i < n; i++) {
      [a[k], a[i]] = [a[i]!, a[k]!];
      yield* rec(k + 1);
      [a[k], a[i]] = [a[i]!, a[k]!];
    }
  };
  yield* rec(0);
}

describe('promotions engine properties', () => {
  it('never gives a negative price or a discount beyond the starting price, and parts add up exactly', () => {
    fc.assert(
      fc.property(
        basketArb,
        promosArb({ min: 1, max: 6 }, 'p'),
        promosArb({ min: 0, max: 3 }),
        (items, prio, best) => {
          const promos = [...prio, ...best.map((p, i) => ({ ...p, id: `B${i}` }))];
          const { result, response } = evaluateDetailed(request(items), promos);
          let discount = 0n;
          let after = 0n;
          for (const l of result.lines)
            for (const u of l.units) {
              expect(u.finalPrice >= 0n).toBe(true);
              expect(u.discount >= 0n).toBe(true);
              const sp = BigInt(String(items[l.sno - 1]!.sp).replace('.', ''));
              expect(u.discount + u.finalPrice).toBe(sp);
              discount += u.discount;
              after += u.finalPrice;
              // a unit's records add up to its cumulative discount
              expect(u.records.reduce((s, r) => s + r.discount, 0n)).toBe(u.discount);
            }
          expect(discount).toBe(result.totals.discount);
          expect(after).toBe(result.totals.totalAfterPromos);
          expect(result.totals.totalSp - result.totals.discount).toBe(result.totals.totalAfterPromos);
          // wire response: consumed quantities cover the line exactly, and entries add up to the total
          let wireDiscountMilli = 0n;
          for (const item of response.basket.items) {
            const entries = [...item.discount_info, ...item.requisite_info];
            const counted = entries.reduce((s: number, e: { consumed_qty: number }) => s + e.consumed_qty, 0);
            expect(counted + item.remaining_info.remaining_qty).toBe(Number(item.qty));
            for (const e of item.discount_info)
              wireDiscountMilli += BigInt(e.discount.replace('.', '')) * BigInt(e.consumed_qty);
          }
          expect(wireDiscountMilli).toBe(result.totals.discount * 10n);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('is deterministic and independent of the order of promotions in the input', () => {
    fc.assert(
      fc.property(basketArb, promosArb({ min: 1, max: 6 }, 'p'), fc.integer(), (items, promos, seed) => {
        const mixed: Json[] = promos.map((p, i) => ({
          ...p,
          evaluate_criteria: i % 2 ? 'b' : 'p',
          evaluate_priority: i % 3,
        }));
        const a = JSON.stringify(evaluate(request(items), mixed));
        const key = (x: Json) => (String(x['id']).charCodeAt(1) * 31 + seed) % 7;
        const shuffled = [...mixed].sort(
          (x, y) => key(x) - key(y) || (String(x['id']) < String(y['id']) ? 1 : -1),
        );
        const b = JSON.stringify(evaluate(request(items), shuffled.reverse()));
        expect(b).toBe(a);
        expect(JSON.stringify(evaluate(request(items), mixed))).toBe(a);
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('the optimiser is never worse than any priority order (clusters of up to 5)', () => {
    fc.assert(
      fc.property(basketArb, promosArb({ min: 2, max: 5 }), (items, promos) => {
        const best = evaluateDetailed(request(items), promos).result.totals.discount;
        let bestOrder = 0n;
        for (const order of perms(promos.length)) {
          const t = totalInOrder(promos, order, items);
          if (t > bestOrder) bestOrder = t;
        }
        expect(best).toBe(bestOrder);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('the optimiser is never worse than any priority order (clusters of 7)', () => {
    fc.assert(
      fc.property(basketArb, promosArb({ min: 7, max: 7 }), (items, promos) => {
        const { result } = evaluateDetailed(request(items), promos);
        let bestOrder = 0n;
        for (const order of perms(7)) {
          const t = totalInOrder(promos, order, items);
          if (t > bestOrder) bestOrder = t;
        }
        expect(result.totals.discount >= bestOrder).toBe(true);
        for (const c of result.clusters) expect(c.provenOptimal).toBe(true);
      }),
      { numRuns: 4 },
    );
  }, 120_000);
});
