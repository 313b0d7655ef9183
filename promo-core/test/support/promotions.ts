/** Builders and fast-check arbitraries for promotions tests. */
import fc from 'fast-check';

export type Json = Record<string, unknown>;

export function promo(overrides: Json & { id: string; groups: Json[] }): Json {
  const { groups, ...rest } = overrides;
  return {
    retailer: 'TEST-GB',
    promo_id_retailer: overrides.id,
    title: overrides.id,
    family: 'e',
    evaluate_criteria: 'p',
    evaluate_priority: 1,
    discount_type: 'p',
    discount_type_strategy: 'a',
    discount_value: '10.00',
    discount_value_on: 's',
    max_application_limit: 1,
    layer: 1,
    start_date_time: '2020-01-01T00:00:00Z',
    end_date_time: '2099-12-31T23:59:59Z',
    stores: ['store-1'],
    ...rest,
    promo_groups: groups.map((g, i) => ({ position: i, qty_or_value_max: null, ...g })),
  };
}

export const group = (name: string, min: number | string, skus: string[], extra: Json = {}): Json => ({
  name,
  qty_or_value_min: min,
  promo_group_nodes: skus.map((s) => ({ node_id: s, node_type: 'i', is_excluded: false })),
  ...extra,
});

export const line = (sku: string, sp: string, qty: number, extra: Json = {}): Json => ({
  sku,
  mrp: sp,
  sp,
  qty,
  weight: '1',
  categories: [],
  ...extra,
});

export const request = (items: Json[], extra: Json = {}): Json => ({
  store_id: 'store-1',
  evaluation_time: '2025-06-02T12:00:00Z',
  store_timezone: 'UTC',
  basket: { id: 'b1', items },
  ...extra,
});

const SKUS = ['A', 'B', 'C', 'D'];
const priceText = fc
  .integer({ min: 1, max: 5000 })
  .map((c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`);

export const basketArb = fc
  .uniqueArray(fc.constantFrom(...SKUS), { minLength: 1, maxLength: 4 })
  .chain((skus) =>
    fc.tuple(
      ...skus.map((sku) =>
        fc.record({ sku: fc.constant(sku), sp: priceText, qty: fc.integer({ min: 1, max: 6 }) }),
      ),
    ),
  )
  .map((lines) => lines.map((l) => line(l.sku, l.sp, l.qty)));

const skuSet = fc.uniqueArray(fc.constantFrom(...SKUS), { minLength: 1, maxLength: 3 });
const discount = fc.oneof(
  fc.record({
    discount_type: fc.constant('p'),
    discount_value: fc.integer({ min: 1, max: 100 }).map((v) => `${v}.00`),
  }),
  fc.record({ discount_type: fc.constant('v'), discount_value: priceText }),
  fc.record({ discount_type: fc.constant('f'), discount_value: priceText }),
);

/** A random valid item-family promotion (families e, p, c, l, r, m). */
export const itemPromoArb = (id: string, criteria: 'p' | 'b' = 'b'): fc.Arbitrary<Json> =>
  fc
    .record({
      family: fc.constantFrom('e', 'p', 'c', 'l', 'r', 'm'),
      d: discount,
      strategy: fc.constantFrom('a', 'e'),
      base: fc.constantFrom('m', 's', 'f'),
      limit: fc.integer({ min: 1, max: 3 }),
      min1: fc.integer({ min: 1, max: 3 }),
      min2: fc.integer({ min: 1, max: 2 }),
      skus1: skuSet,
      skus2: skuSet,
      sel: fc.constantFrom('l', 'lc', 'm'),
      cap: fc.option(priceText, { nil: null }),
      twoGroups: fc.boolean(),
      split: fc.constantFrom('p', 'e'),
    })
    .map((r) => {
      const base: Json = {
        id,
        family: r.family,
        evaluate_criteria: criteria,
        ...r.d,
        discount_type_strategy: r.strategy,
        discount_value_on: r.base,
        max_application_limit: r.limit,
        max_discount: r.cap,
        discounted_group_item_selection_criteria: r.sel,
        groups: [group('g1', r.min1, r.skus1)],
      };
      switch (r.family) {
        case 'p':
          return promo({
            ...base,
            groups: [group('g1', r.min1, r.skus1, { qty_or_value_max: r.min1 + 2 })],
          } as never);
        case 'c':
        case 'l':
          return promo({
            ...base,
            groups: [group('g1', r.min1, r.skus1), group('g2', r.min2, r.skus2)],
          } as never);
        case 'r':
        case 'm': {
          const extra =
            r.family === 'm'
              ? { extra_data: { evenly_distributed_multiline_discount_split_type: r.split } }
              : {};
          if (r.twoGroups)
            return promo({
              ...base,
              ...extra,
              target_discounted_group_name: 'g2',
              groups: [group('g1', r.min1, r.skus1), group('g2', r.min2, r.skus2)],
            } as never);
          return promo({
            ...base,
            ...extra,
            target_discounted_group_qty_min: Math.max(1, r.min1 - 1),
            groups: [group('g1', r.min1 + 1, r.skus1)],
          } as never);
        }
        default:
          return promo(base as never);
      }
    });
