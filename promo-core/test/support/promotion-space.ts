/**
 * A generator over the whole input space of the item best-discount optimiser: every item
 * family, price base, discount type and strategy, MRP above, equal to and below SP, weights
 * and packs, caps, limits, selection orders, exclusion nodes, category nodes, per-node
 * values for Line Special, special availability with qualifier limit overrides, and an
 * earlier layer whose promotions lock or discount units before the cluster runs.
 *
 * Baskets stay small (≤ 14 units) so that every order of a cluster can be enumerated.
 */
import fc from 'fast-check';
import { group, line, promo, request, type Json } from './promotions';

const SKUS = ['A', 'B', 'C', 'D'];
const DEPT: Record<string, string> = { A: 'X', B: 'X', C: 'Y', D: 'Y' };

const money = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
const cents = fc.integer({ min: 1, max: 3000 });

/** One basket line: MRP may sit above or below SP, weights and packs are optional. */
const lineArb = (sku: string) =>
  fc
    .record({
      sp: cents,
      mrpKind: fc.constantFrom('same', 'above', 'below', 'same'),
      mrpDelta: fc.integer({ min: 1, max: 1500 }),
      qty: fc.integer({ min: 1, max: 3 }),
      weight: fc.oneof(
        { weight: 4, arbitrary: fc.constant('1') },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 2500 }).map((w) => (w / 1000).toFixed(3)) },
      ),
      pack: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) }),
    })
    .map((l) => {
      const mrp =
        l.mrpKind === 'above'
          ? l.sp + l.mrpDelta
          : l.mrpKind === 'below'
            ? Math.max(0, l.sp - l.mrpDelta)
            : l.sp;
      return line(sku, money(l.sp), l.pack > 1 ? Math.min(l.qty, 2) : l.qty, {
        mrp: money(mrp),
        weight: l.weight,
        ...(l.pack > 1 && { pack_size: l.pack }),
        categories: [{ name: 'c1', value: DEPT[sku] }],
      });
    });

export const basketSpaceArb: fc.Arbitrary<Json[]> = fc
  .uniqueArray(fc.constantFrom(...SKUS), { minLength: 1, maxLength: 4 })
  .chain((skus) => fc.tuple(...skus.sort().map(lineArb)));

const discountArb = fc.oneof(
  fc.record({
    discount_type: fc.constant('p'),
    discount_value: fc.integer({ min: 1, max: 100 }).map((v) => `${v}.00`),
  }),
  fc.record({ discount_type: fc.constant('v'), discount_value: cents.map(money) }),
  fc.record({ discount_type: fc.constant('f'), discount_value: cents.map(money) }),
);

/** Node lists: item and category include nodes, sometimes ALL, sometimes an exclusion. */
const nodesArb = fc
  .record({
    skus: fc.uniqueArray(fc.constantFrom(...SKUS), { minLength: 0, maxLength: 3 }),
    dept: fc.option(fc.constantFrom('X', 'Y'), { nil: null, freq: 3 }),
    all: fc.integer({ min: 0, max: 11 }).map((x) => x === 0),
    exclude: fc.option(fc.constantFrom(...SKUS), { nil: null, freq: 3 }),
    nodeValues: fc.array(fc.option(discountArb, { nil: null }), { minLength: 6, maxLength: 6 }),
  })
  .map((r) => {
    const include: Json[] = r.skus.map((s) => ({ node_id: s, node_type: 'i' }));
    if (r.dept) include.push({ node_id: r.dept, node_type: 'c1' });
    if (r.all || include.length === 0) include.push({ node_id: 'ALL', node_type: 'i' });
    const nodes: Json[] = include.map((n, i) => ({ ...n, is_excluded: false, ...(r.nodeValues[i] ?? {}) }));
    if (r.exclude) nodes.push({ node_id: r.exclude, node_type: 'i', is_excluded: true });
    return nodes;
  });

const groupArb = (name: string, min: number) =>
  nodesArb.map((nodes) => ({ ...group(name, min, []), promo_group_nodes: nodes }));

/** Drops node-level values outside Line Special (they are only read there). */
const plainNodes = (g: Json): Json => ({
  ...g,
  promo_group_nodes: (g['promo_group_nodes'] as Json[]).map(
    ({ discount_type: _t, discount_value: _v, ...n }) => n,
  ),
});

export interface SpaceOptions {
  criteria: 'b' | 'p';
  layer: number;
}

/** A random valid item-family promotion with every option drawn. */
export const spacePromoArb = (id: string, o: SpaceOptions): fc.Arbitrary<Json> =>
  fc
    .record({
      family: fc.constantFrom('e', 'p', 'c', 'l', 'r', 'm'),
      d: discountArb,
      strategy: fc.constantFrom('a', 'e'),
      base: fc.constantFrom('m', 's', 'f', 'm'),
      limit: fc.integer({ min: 1, max: 3 }),
      min1: fc.integer({ min: 1, max: 3 }),
      min2: fc.integer({ min: 0, max: 2 }),
      g1: fc.integer({ min: 1, max: 3 }).chain((m) => groupArb('g1', m)),
      g2: groupArb('g2', 1),
      g3: groupArb('g3', 1),
      sel: fc.constantFrom('l', 'lc', 'm'),
      reqSel: fc.constantFrom('l', 'lc', 'm'),
      cap: fc.option(cents.map(money), { nil: null, freq: 3 }),
      groups: fc.integer({ min: 1, max: 3 }),
      split: fc.constantFrom('p', 'e'),
      applyOnDiscounted: fc.integer({ min: 0, max: 3 }).map((x) => x !== 0),
      special: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 4 }),
    })
    .map((r) => {
      const min1 = r.min1;
      const min2 = Math.max(1, r.min2);
      const g1 = { ...r.g1, qty_or_value_min: min1 };
      const g2 = { ...r.g2, qty_or_value_min: min2 };
      const g3 = { ...r.g3, qty_or_value_min: 1 };
      const header: Json = {
        id,
        family: r.family,
        evaluate_criteria: o.criteria,
        layer: o.layer,
        ...r.d,
        discount_type_strategy: r.strategy,
        discount_value_on: r.base,
        max_application_limit: r.limit,
        max_discount: r.cap,
        discounted_group_item_selection_criteria: r.sel,
        requisite_groups_item_selection_criteria: r.reqSel,
        apply_on_discounted_items: r.applyOnDiscounted,
        ...(r.special !== null && {
          availability: 's',
          special_promo_info: [{ group_qualifier_id: `Q-${id}`, description: id }],
        }),
      };
      switch (r.family) {
        case 'e':
          return promo({ ...header, groups: [plainNodes(g1)] } as never);
        case 'p':
          return promo({
            ...header,
            groups: [plainNodes({ ...g1, qty_or_value_max: r.groups === 1 ? null : min1 + r.groups - 2 })],
          } as never);
        case 'c':
          return promo({
            ...header,
            groups: (r.groups === 3 ? [g1, g2, g3] : [g1, g2]).map(plainNodes),
          } as never);
        case 'l':
          return promo({ ...header, groups: [g1, g2, g3].slice(0, r.groups) } as never);
        default: {
          // r, m: one group sliced by target_discounted_group_qty_min, or two groups (requisite min may be 0)
          const extra =
            r.family === 'm'
              ? { extra_data: { evenly_distributed_multiline_discount_split_type: r.split } }
              : {};
          if (r.groups >= 2)
            return promo({
              ...header,
              ...extra,
              target_discounted_group_name: 'g2',
              groups: [plainNodes({ ...g1, qty_or_value_min: r.min2 }), plainNodes(g2)],
            } as never);
          return promo({
            ...header,
            ...extra,
            target_discounted_group_qty_min: Math.max(1, min1 + 1 - r.min2),
            groups: [plainNodes({ ...g1, qty_or_value_min: min1 + 1 })],
          } as never);
        }
      }
    });

export interface Instance {
  items: Json[];
  /** The competing best-discount promotions (ids K0…). */
  cluster: Json[];
  /** Earlier-layer promotions (ids E0…) that discount, consume or lock units first. */
  context: Json[];
  request: Json;
}

/** The qualifiers that unlock special promotions, with an optional limit override each. */
function qualifiers(promos: Json[], overrides: (number | null)[]): Json[] {
  const gq = promos
    .filter((p) => p['availability'] === 's')
    .map((p, i) => ({
      input: `in-${String(p['id'])}`,
      qualifier_ids: [`Q-${String(p['id'])}`],
      ...(overrides[i % overrides.length] !== null && {
        max_application_limit: overrides[i % overrides.length],
      }),
    }));
  return gq.length ? [{ program_name: 'PROG', program_title: 'Programme', group_qualifiers: gq }] : [];
}

/** An instance with a cluster of `size` competing best-discount promotions. */
export const instanceArb = (size: { min: number; max: number }): fc.Arbitrary<Instance> =>
  fc
    .record({
      items: basketSpaceArb,
      k: fc.integer(size),
      contextSize: fc.integer({ min: 0, max: 2 }),
      contextCriteria: fc.constantFrom('b', 'p'),
      zeroDiscount: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
      overrides: fc.array(fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }), {
        minLength: 1,
        maxLength: 3,
      }),
    })
    .chain((r) =>
      fc
        .tuple(
          fc.tuple(
            ...Array.from({ length: r.k }, (_, i) =>
              spacePromoArb(`K${i}`, { criteria: 'b', layer: r.contextSize > 0 ? 2 : 1 }),
            ),
          ),
          fc.tuple(
            ...Array.from({ length: r.contextSize }, (_, i) =>
              spacePromoArb(`E${i}`, { criteria: r.contextCriteria as 'b' | 'p', layer: 1 }),
            ),
          ),
        )
        .map(([cluster, context]) => ({
          items: r.items,
          cluster,
          context,
          request: request(r.items, {
            special_promos: qualifiers([...context, ...cluster], r.overrides),
            ...(r.zeroDiscount && { tenant_flags: { apply_zero_discount_promos: true } }),
          }),
        })),
    );

/** The cluster's promotions as a priority cluster in the given order (the context unchanged). */
export function asPriorityOrder(inst: Instance, order: number[]): Json[] {
  return [
    ...inst.context,
    ...order.map((idx, position) => ({
      ...inst.cluster[idx]!,
      evaluate_criteria: 'p',
      evaluate_priority: position,
    })),
  ];
}
