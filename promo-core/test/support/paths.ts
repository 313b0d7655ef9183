/**
 * Shared by the tests that hold the engine's number paths to its bigint paths (issue 9):
 * the typed result spelled out as text, both paths run on one input, and the basket-threshold
 * promotions those tests draw. One copy, so that a field added to a record is read by all.
 */
import fc from 'fast-check';
import { evaluateDetailed } from '../../src';
import type { EvaluationResult } from '../../src/promotions/response';
import { arithmetic } from '../../src/promotions/state';
import { group, promo, request, type Json } from './promotions';

/** Integer minor units as a two-decimal wire amount (the engine's input text). */
export const money = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/**
 * The typed result as text, every record field read one by one: some are getters (views
 * on a shared log), which JSON.stringify of the record itself would not reach.
 */
export function typedBytes(r: EvaluationResult): string {
  return JSON.stringify(
    {
      lines: r.lines.map((l) => ({
        sno: l.sno,
        sku: l.sku,
        units: l.units.map((u) => ({
          k: u.k,
          pack: u.pack,
          role: u.role,
          discount: u.discount,
          finalPrice: u.finalPrice,
          records: u.records.map((x) => [
            x.promoId,
            x.promoIdRetailer,
            x.title,
            x.family,
            x.role,
            x.discount,
            x.finalPrice,
            x.layer,
            x.setIndex,
            x.discountApplyType,
          ]),
        })),
      })),
      totals: r.totals,
      basketPromos: r.basketPromos,
      appliedPromoIds: r.appliedPromoIds,
      suggestions: r.suggestions,
      clusters: r.clusters.map((c) => ({ ...c, originalAlgorithmDiscount: c.originalAlgorithmDiscount })),
      diagnostics: r.diagnostics,
    },
    (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v),
  );
}

/** Typed result and wire response of one evaluation, as bytes. */
export function detailedBytes(req: Json, promos: Json[]): string {
  const ev = evaluateDetailed(req, promos);
  return `${typedBytes(ev.result)}\n${JSON.stringify(ev.response)}`;
}

/**
 * `run` on the number paths, then with bigints forced; the switch is left off afterwards
 * even when `run` throws, so that one failing case cannot force bigints on the next test.
 */
export function onBothPaths(run: () => string): { numbers: string; bigints: string } {
  try {
    arithmetic.forceBigint = false;
    const numbers = run();
    arithmetic.forceBigint = true;
    const bigints = run();
    return { numbers, bigints };
  } finally {
    arithmetic.forceBigint = false;
  }
}

/** The request for `items`, with the tenant flag that lets zero-discount promotions apply when `zero`. */
export const requestWithZeroFlag = (items: Json[], zero: boolean): Json =>
  request(items, zero ? { tenant_flags: { apply_zero_discount_promos: true } } : {});

/** A group whose one node is ALL (every item), entered at `min` (a spend for family b). */
export const allItemsGroup = (min: number | string): Json => ({
  ...group('g1', min, []),
  promo_group_nodes: [{ node_id: 'ALL', node_type: 'i' }],
});

/**
 * A basket-threshold (b) promotion with type, value, threshold, base, limit, cap, node,
 * layer and apply-on-discounted drawn; the evaluate criteria are drawn from `criteria`.
 */
export const basketPromoArb = (id: string, criteria: readonly ('b' | 'p')[]): fc.Arbitrary<Json> =>
  fc
    .record({
      type: fc.constantFrom('p', 'v', 'f'),
      value: fc.integer({ min: 1, max: 8000 }),
      threshold: fc.integer({ min: 0, max: 6000 }),
      base: fc.constantFrom('m', 's', 'f'),
      limit: fc.integer({ min: 1, max: 4 }),
      cap: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: null }),
      node: fc.constantFrom('ALL', 'A', 'X'),
      criteria: fc.constantFrom(...criteria),
      applyOnDiscounted: fc.boolean(),
      layer: fc.constantFrom(100, 101),
    })
    .map((r) =>
      promo({
        id,
        family: 'b',
        evaluate_criteria: r.criteria,
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
