/**
 * Named regressions of the best-discount optimiser (issue 9). Each case once returned less
 * than the best priority order while claiming `proven_optimal: true`, or (the bound cases)
 * once had a search bound below the best completion of a reachable state.
 */
import { describe, expect, it } from 'vitest';
import { evaluateDetailed } from '../src';
import { BasketIndex } from '../src/promotions/matching';
import { runOrder, searchProbe } from '../src/promotions/optimiser';
import { EvalState } from '../src/promotions/state';
import { planPromotion } from '../src/promotions/families';
import { buildUnits, evaluateRequestSchema } from '../src/promotions/request';
import { parsePromotion } from '../src/promotions/validation';
import type { Candidate } from '../src/promotions/types';
import { checkBound, checkOptimum, orders } from './support/optimiser-oracle';
import type { Instance } from './support/promotion-space';
import { group, line, promo, request, type Json } from './support/promotions';

/** The best total over every priority order of the promotions, through the public API. */
function bestPriorityOrder(req: Json, promos: Json[]): bigint {
  let best = 0n;
  for (const o of orders(promos.map((_, i) => i))) {
    const ordered = o.map((i, position) => ({
      ...promos[i]!,
      evaluate_criteria: 'p',
      evaluate_priority: position,
    }));
    const t = evaluateDetailed(req, ordered).result.totals.discount;
    if (t > best) best = t;
  }
  return best;
}

const allNode = (extra: Json = {}) => ({ node_id: 'ALL', node_type: 'i', is_excluded: false, ...extra });

describe('optimiser regressions', () => {
  it('Line Special: a unit bounded by its best group, not its first (5 % vs 50 % nodes)', () => {
    // Easy 1 % first leaves the 50.00 unit for the 50 % group of the Line Special: 25.20.
    // The old per-unit bound took every unit's 1 % node value and pruned that order (5.60).
    const req = request([line('A', '10.00', 2), line('B', '50.00', 1)]);
    const promos = [
      promo({
        id: 'K0',
        evaluate_criteria: 'b',
        discount_type: 'p',
        discount_value: '1.00',
        groups: [{ ...group('g1', 1, []), promo_group_nodes: [allNode()] }],
      }),
      promo({
        id: 'K1',
        family: 'l',
        evaluate_criteria: 'b',
        groups: [
          {
            ...group('g1', 1, []),
            promo_group_nodes: [allNode({ discount_type: 'p', discount_value: '1.00' })],
          },
          {
            ...group('g2', 1, []),
            promo_group_nodes: [allNode({ discount_type: 'p', discount_value: '50.00' })],
          },
        ],
      }),
    ];
    const { result } = evaluateDetailed(req, promos);
    expect(result.totals.discount).toBe(2520n);
    expect(bestPriorityOrder(req, promos)).toBe(2520n);
    expect(result.clusters[0]).toMatchObject({
      provenOptimal: true,
      discount: 2520n,
      originalAlgorithmDiscount: 2520n,
    });
  });

  it('value off on an MRP below SP: a unit can get more than the set value (SP − MRP on top)', () => {
    // K2 takes A first (3.00), then K0's 0.50 off MRP 1.00 leaves B at 0.50: 9.50 more, 12.50.
    // The old set bound capped K0 at 0.50 and pruned that order for K3's 10.00.
    const req = request([line('A', '10.00', 1), line('B', '10.00', 1, { mrp: '1.00' })]);
    const promos = [
      promo({
        id: 'K0',
        evaluate_criteria: 'b',
        discount_type: 'v',
        discount_type_strategy: 'a',
        discount_value: '0.50',
        discount_value_on: 'm',
        discounted_group_item_selection_criteria: 'm',
        groups: [group('g1', 1, ['A', 'B'])],
      }),
      promo({
        id: 'K2',
        evaluate_criteria: 'b',
        discount_type: 'v',
        discount_type_strategy: 'e',
        discount_value: '3.00',
        groups: [group('g1', 1, ['A'])],
      }),
      promo({
        id: 'K3',
        evaluate_criteria: 'b',
        discount_type: 'v',
        discount_type_strategy: 'e',
        discount_value: '5.00',
        max_application_limit: 2,
        groups: [group('g1', 1, ['A', 'B'])],
      }),
    ];
    const { result } = evaluateDetailed(req, promos);
    expect(bestPriorityOrder(req, promos)).toBe(1250n);
    expect(result.totals.discount).toBe(1250n);
    expect(result.clusters[0]).toMatchObject({
      provenOptimal: true,
      discount: 1250n,
      originalAlgorithmDiscount: 1250n,
    });
  });

  it('trial orders on a copy do not lock units for later layers', () => {
    const req = evaluateRequestSchema.parse(request([line('A', '5.00', 1), line('B', '10.00', 1)]));
    const units = buildUnits(req.basket.items, 2).units;
    const basket = new BasketIndex(units);
    const cand = (raw: Json): Candidate => ({
      promo: parsePromotion(raw, 'p').promotion!,
      limit: 1,
      special: null,
      programIndex: null,
    });
    const k = cand(promo({ id: 'K', evaluate_criteria: 'b', groups: [group('g1', 1, ['A'])] }));
    const st = EvalState.initial(units, { applyZeroDiscountPromos: false, maxBasketPromosPerLayer: null });
    st.startLayer();
    const planner = {
      membership: (c: Candidate) => basket.membership(c.promo),
      plan: (c: Candidate, s: EvalState) =>
        planPromotion({ p: c.promo, limit: c.limit, st: s, m: basket.membership(c.promo) }),
    };
    expect(runOrder([k], st, planner, 1)).toBe(50n);
    st.endLayer();
    expect([...st.locked]).toEqual([0, 0]);
  });
});

/**
 * Counterexamples the whole-space properties met while the fixes were made, kept verbatim
 * (fast-check shrunk them). The `bound` cases name the state where the bound was too low.
 */
const header = (id: string, extra: Json): Json =>
  promo({
    id,
    evaluate_criteria: 'b',
    max_application_limit: 1,
    discounted_group_item_selection_criteria: 'l',
    requisite_groups_item_selection_criteria: 'l',
    apply_on_discounted_items: false,
    groups: [{ ...group('g1', 1, []), promo_group_nodes: [allNode()] }],
    ...extra,
  } as never);

const inst = (items: Json[], cluster: Json[], context: Json[], special: Json[] = []): Instance => ({
  items,
  cluster,
  context,
  request: request(items, { special_promos: special }),
});

describe('optimiser regressions found by the properties', () => {
  it('bound: Line Special after a Easy 1 % in layer 2, MRP below SP, packs ("after [K1] the bound for [K0] is 2 < 3")', () => {
    const items = [
      line('A', '16.96', 2, { pack_size: 2, categories: [{ name: 'c1', value: 'X' }] }),
      line('C', '25.62', 1, { categories: [{ name: 'c1', value: 'Y' }] }),
      line('D', '4.06', 1, { mrp: '3.98', categories: [{ name: 'c1', value: 'Y' }] }),
    ];
    const l = { discount_type: 'v', discount_value: '0.01', discount_value_on: 'm', layer: 2 };
    const k0 = header('K0', {
      family: 'l',
      ...l,
      groups: [
        { ...group('g1', 1, []), promo_group_nodes: [allNode()] },
        {
          ...group('g2', 1, []),
          promo_group_nodes: [allNode({ discount_type: 'v', discount_value: '0.02' })],
        },
      ],
    });
    const k1 = header('K1', { discount_type: 'p', discount_value: '1.00', discount_value_on: 'm', layer: 2 });
    const e0 = header('E0', {
      evaluate_criteria: 'p',
      discount_type: 'v',
      discount_value: '0.01',
      discount_value_on: 'm',
    });
    const e1 = header('E1', {
      evaluate_criteria: 'p',
      discount_type: 'f',
      discount_value: '0.01',
      discount_value_on: 'm',
    });
    checkBound(inst(items, [k0, k1], [e0, e1]), 0, 12);
  });

  it('bound: value off on MRP below SP after a 1 % Easy ("after [K0] the bound for [K2,K1] is 2 < 401")', () => {
    const cat = (v: string) => ({ categories: [{ name: 'c1', value: v }] });
    const items = [
      line('A', '29.90', 2, { mrp: '17.41', ...cat('X') }),
      line('B', '27.83', 1, cat('X')),
      line('C', '4.85', 2, cat('Y')),
      line('D', '17.52', 3, { mrp: '13.53', ...cat('Y') }),
    ];
    const m = { discount_value_on: 'm' };
    const cluster = [
      header('K0', { discount_type: 'p', discount_value: '1.00', ...m }),
      header('K1', { discount_type: 'v', discount_value: '0.01', ...m }),
      header('K2', { discount_type: 'f', discount_value: '0.01', max_discount: '0.01', ...m }),
    ];
    checkBound(inst(items, cluster, []), 0, 12);
  });

  it('optimum: Line Special (1 % / 23 % nodes, qualifier limit 3, cap 4.29) against a 1 % Easy', () => {
    const items = [
      line('B', '9.66', 1, { mrp: '9.59', pack_size: 2, categories: [{ name: 'c1', value: 'X' }] }),
      line('C', '12.66', 2, { weight: '2.498', categories: [{ name: 'c1', value: 'Y' }] }),
      line('D', '1.99', 2, { mrp: '0.00', categories: [{ name: 'c1', value: 'Y' }] }),
    ];
    const cluster = [
      header('K0', { discount_type: 'p', discount_value: '1.00', discount_value_on: 'm' }),
      header('K1', {
        family: 'l',
        discount_type: 'v',
        discount_value: '0.01',
        discount_value_on: 'm',
        max_discount: '4.29',
        availability: 's',
        special_promo_info: [{ group_qualifier_id: 'Q-K1', description: 'K1' }],
        groups: [
          {
            ...group('g1', 1, []),
            promo_group_nodes: [allNode({ discount_type: 'p', discount_value: '1.00' })],
          },
          {
            ...group('g2', 1, []),
            promo_group_nodes: [allNode({ discount_type: 'p', discount_value: '23.00' })],
          },
        ],
      }),
    ];
    const special = [
      {
        program_name: 'PROG',
        program_title: 'Programme',
        group_qualifiers: [{ input: 'in-K1', qualifier_ids: ['Q-K1'], max_application_limit: 3 }],
      },
    ];
    const i = inst(items, cluster, [], special);
    checkOptimum(i, 0);
    expect(evaluateDetailed(i.request, cluster).result.totals.discount).toBe(628n);
    searchProbe.current = null;
  });
});
