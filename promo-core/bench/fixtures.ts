/** Promotion builder shared by the bench sections (spec/promotions.md §3 ingest format). */
type Json = Record<string, unknown>;

/**
 * A promotion linked to store-1 with one group per entry; node ids starting with `CAT` are
 * level-1 category nodes, the others item nodes (or `ALL`). `extra` overrides header fields.
 */
export function benchPromotion(
  id: string,
  family: string,
  groups: { min: number | string; nodes: string[] }[],
  extra: Json = {},
): Json {
  return {
    id,
    retailer: 'BENCH',
    promo_id_retailer: id,
    title: id,
    family,
    evaluate_criteria: 'p',
    evaluate_priority: 1,
    discount_type: 'p',
    discount_type_strategy: 'a',
    discount_value: '10.00',
    discount_value_on: 'f',
    max_application_limit: 2,
    layer: 1,
    start_date_time: '2020-01-01T00:00:00Z',
    end_date_time: '2099-12-31T23:59:59Z',
    stores: ['store-1'],
    ...extra,
    promo_groups: groups.map((g, i) => ({
      name: `g${i + 1}`,
      position: i,
      qty_or_value_min: g.min,
      promo_group_nodes: g.nodes.map((n) => ({ node_id: n, node_type: n.startsWith('CAT') ? 'c1' : 'i' })),
    })),
  };
}
