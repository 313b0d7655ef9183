import { describe, expect, it } from 'vitest';
import { evaluate, evaluateDetailed, formatMoney } from '../src';
import { group, line, promo, request } from './support/promotions';

const unitDiscounts = (req: unknown, promos: unknown[]) =>
  evaluateDetailed(req, promos).result.lines.map((l) => l.units.map((u) => formatMoney(u.discount)));

describe('Line Special (spec §8.4 worked example)', () => {
  const lineSpecial = promo({
    id: 'L1',
    family: 'l',
    groups: [
      {
        ...group('books', 2, ['BOOK']),
        promo_group_nodes: [{ node_id: 'BOOK', node_type: 'i', discount_type: 'p', discount_value: '10.00' }],
      },
      {
        ...group('pens', 2, ['PEN']),
        promo_group_nodes: [{ node_id: 'PEN', node_type: 'i', discount_type: 'f', discount_value: '10.00' }],
      },
      {
        ...group('pencils', 1, ['PENCIL', 'PENCIL-S']),
        promo_group_nodes: [
          { node_id: 'PENCIL', node_type: 'i', discount_type: 'v', discount_value: '10.00' },
          { node_id: 'PENCIL-S', node_type: 'i', discount_type: 'v', discount_value: '10.00' },
        ],
      },
    ],
  });
  it('prices every unit with its own node and skips a unit that would go negative', () => {
    const req = request([
      line('BOOK', '10.00', 2),
      line('PEN', '15.00', 2),
      line('PENCIL', '20.00', 1),
      line('PENCIL-S', '5.00', 1),
    ]);
    expect(unitDiscounts(req, [lineSpecial])).toEqual([
      ['1.00', '1.00'],
      ['5.00', '5.00'],
      ['10.00'],
      ['0.00'],
    ]);
    expect(evaluate(req, [lineSpecial]).basket.discount).toBe('22.000');
  });
});

describe('caps, limits and layers', () => {
  it('max_discount caps the running total across sets in commit order', () => {
    const p = promo({
      id: 'E',
      family: 'e',
      discount_type: 'v',
      discount_type_strategy: 'e',
      discount_value: '2.00',
      max_application_limit: 3,
      max_discount: '5.00',
      groups: [group('g1', 1, ['A'])],
    });
    expect(unitDiscounts(request([line('A', '10.00', 3)]), [p])).toEqual([['2.00', '2.00', '1.00']]);
  });

  it('a qualifier max_application_limit replaces the header limit, and 0 disables', () => {
    const p = promo({
      id: 'S',
      family: 'e',
      availability: 's',
      special_promo_info: [{ group_qualifier_id: 'COFFEE', description: 'Coffee plan' }],
      discount_value: '100.00',
      max_application_limit: 5,
      groups: [group('g1', 1, ['COF'])],
    });
    const withLimit = (n: number) =>
      request([line('COF', '3.00', 4)], {
        special_promos: [
          {
            program_name: 'SUB',
            program_title: 'Coffee',
            group_qualifiers: [{ input: 'x', qualifier_ids: ['COFFEE'], max_application_limit: n }],
          },
        ],
      });
    expect(evaluate(withLimit(2), [p]).basket.discount).toBe('6.000');
    expect(evaluate(withLimit(0), [p]).basket.discount).toBe('0.000');
    const resp = evaluate(withLimit(2), [p]);
    expect(resp.basket.special_promos_info.discount).toBe('6.000');
    expect(
      resp.basket.special_promos_info.applied_programs[0].group_qualifiers[0].group_qualifier_description,
    ).toBe('Coffee plan');
  });

  it('best-discount units are locked for later item layers but still seen by basket promotions', () => {
    const best = promo({
      id: 'B1',
      evaluate_criteria: 'b',
      discount_value: '10.00',
      groups: [group('g1', 1, ['A'])],
    });
    const later = promo({ id: 'L2', layer: 2, discount_value: '50.00', groups: [group('g1', 1, ['A'])] });
    const basket = promo({
      id: 'BK',
      family: 'b',
      discount_value: '10.00',
      discount_value_on: 'f',
      groups: [group('g1', '0.00', ['ALL'])],
    });
    const d = unitDiscounts(request([line('A', '10.00', 1)]), [best, later, basket]);
    expect(d).toEqual([['1.90']]); // 1.00 from B1, L2 blocked, 10 % of 9.00 from the basket promotion
  });

  it('a priority promotion without apply_on_discounted_items skips discounted units', () => {
    const first = promo({ id: 'A1', discount_value: '10.00', groups: [group('g1', 1, ['A'])] });
    const second = promo({
      id: 'A2',
      layer: 2,
      apply_on_discounted_items: false,
      discount_value: '50.00',
      groups: [group('g1', 1, ['A', 'B'])],
    });
    expect(unitDiscounts(request([line('A', '10.00', 1), line('B', '10.00', 1)]), [first, second])).toEqual([
      ['1.00'],
      ['5.00'],
    ]);
  });
});

describe('candidates (spec §5)', () => {
  const base = { id: 'T', discount_value: '10.00', groups: [group('g1', 1, ['A'])] };
  const discountAt = (p: unknown, time: string, tz = 'UTC') =>
    evaluate(request([line('A', '10.00', 1)], { evaluation_time: time, store_timezone: tz }), [p]).basket
      .discount;

  it('respects active days in the store timezone', () => {
    const mondaysOnly = promo({ ...base, active_days: '1000000' });
    expect(discountAt(mondaysOnly, '2025-06-02T12:00:00Z')).toBe('1.000'); // Monday
    expect(discountAt(mondaysOnly, '2025-06-03T12:00:00Z')).toBe('0.000'); // Tuesday
    // 23:30 UTC on Sunday is already Monday in Paris
    expect(discountAt(mondaysOnly, '2025-06-01T23:30:00Z', 'Europe/Paris')).toBe('1.000');
    expect(discountAt(mondaysOnly, '2025-06-01T23:30:00Z', 'UTC+01:00')).toBe('1.000');
  });

  it('limits happy hours to the daily window, wrapping past midnight', () => {
    const evening = promo({
      ...base,
      is_happy_hour: true,
      start_date_time: '2020-01-01T22:00:00Z',
      end_date_time: '2099-12-31T02:00:00Z',
    });
    expect(discountAt(evening, '2025-06-02T23:00:00Z')).toBe('1.000');
    expect(discountAt(evening, '2025-06-02T01:30:00Z')).toBe('1.000');
    expect(discountAt(evening, '2025-06-02T12:00:00Z')).toBe('0.000');
  });

  it('ignores inactive, out-of-date, unlinked and soft-deleted promotions', () => {
    expect(discountAt(promo({ ...base, is_active: false }), '2025-06-02T12:00:00Z')).toBe('0.000');
    expect(
      discountAt(promo({ ...base, end_date_time: '2025-01-01T00:00:00Z' }), '2025-06-02T12:00:00Z'),
    ).toBe('0.000');
    expect(discountAt(promo({ ...base, stores: ['other'] }), '2025-06-02T12:00:00Z')).toBe('0.000');
    expect(
      discountAt(
        promo({ ...base, stores: [{ store: 'store-1', soft_delete: true }] }),
        '2025-06-02T12:00:00Z',
      ),
    ).toBe('0.000');
  });

  it('matches category nodes and honours exclusions within the group', () => {
    const p = promo({
      id: 'CAT',
      discount_value: '50.00',
      max_application_limit: 10,
      groups: [
        {
          name: 'g1',
          qty_or_value_min: 1,
          promo_group_nodes: [
            { node_id: 'DAIRY', node_type: 'c2', is_excluded: false },
            { node_id: 'BUTTER', node_type: 'i', is_excluded: true },
          ],
        },
      ],
    });
    const cats = [{ name: 'c2', value: 'DAIRY' }];
    const d = unitDiscounts(
      request([
        line('MILK', '2.00', 1, { categories: cats }),
        line('BUTTER', '4.00', 1, { categories: cats }),
        line('BREAD', '3.00', 1),
      ]),
      [p],
    );
    expect(d).toEqual([['1.00'], ['0.00'], ['0.00']]);
  });

  it('builds an on-the-fly promotion from a qualifier promo_override', () => {
    const override = promo({
      id: 'ignored',
      family: 'b',
      discount_value: '10.00',
      discount_value_on: 'f',
      groups: [group('g1', '0', ['ALL'])],
    });
    const req = request([line('A', '10.00', 2)], {
      special_promos: [
        {
          program_name: 'STAFF',
          program_title: 'Staff',
          group_qualifiers: [
            { input: 'E42', qualifier_ids: ['special_discount_staff'], promo_override: override },
          ],
        },
      ],
    });
    const resp = evaluate(req, []);
    expect(resp.basket.discount).toBe('2.000');
    expect(resp.basket.basket_threshold_promos.applied_promos[0].promo_id).toBe('otf-STAFF-E42-0');
    expect(resp.basket.special_promos_info.applied_programs[0].program_name).toBe('STAFF');
  });
});

describe('response shape (spec §12)', () => {
  it('accounts for every unit: discounted + requisite + remaining = qty', () => {
    const p = promo({
      id: 'R',
      family: 'r',
      max_application_limit: 3,
      target_discounted_group_qty_min: 1,
      discount_value: '100.00',
      groups: [group('g1', 3, ['A'])],
    });
    // 8 units, buy 2 get 1 free, limit 3: two sets, and two units left that are requisites for a third
    const resp = evaluate(request([line('A', '5.00', 8)]), [p]);
    const item = resp.basket.items[0];
    const sum = (xs: { consumed_qty: number }[]) => xs.reduce((s, x) => s + x.consumed_qty, 0);
    expect(sum(item.discount_info)).toBe(2);
    expect(sum(item.requisite_info)).toBe(4);
    expect(item.remaining_info.remaining_qty).toBe(2);
    expect(item.remaining_info.promo_suggestions[0]).toMatchObject({
      promo_id: 'R',
      missing_qty: 1,
      free_item_missing: true,
    });
  });

  it('folds pack items back per pack', () => {
    const p = promo({
      id: 'PK',
      discount_value: '10.00',
      max_application_limit: 100,
      groups: [group('g1', 1, ['SIX'])],
    });
    const resp = evaluate(request([line('SIX', '6.00', 2, { pack_size: 6 })]), [p]);
    const item = resp.basket.items[0];
    expect(item.discount_info).toHaveLength(1);
    expect(item.discount_info[0]).toMatchObject({ consumed_qty: 2, discount: '0.600', final_price: '5.400' });
    expect(item.original_promo_response).toHaveLength(12);
  });

  it('answers an empty basket with zero totals and a malformed request with a structured error', () => {
    expect(evaluate(request([]), []).basket).toMatchObject({
      total_sp: '0.000',
      discount: '0.000',
      items: [],
    });
    const bad = evaluate({ store_id: 'store-1', basket: { items: [{ sku: 'A', sp: '-1', qty: 1.5 }] } }, []);
    expect(bad.status).toBe(false);
    expect(bad.error.code).toBe('INVALID_REQUEST');
    expect(bad.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['basket.items.0.sp']),
    );
  });

  it('reports per cluster whether the optimum is proven and what the original would have found', () => {
    const promos = ['X1', 'X2', 'X3'].map((id, i) =>
      promo({
        id,
        evaluate_criteria: 'b',
        discount_type: 'v',
        discount_type_strategy: 'a',
        discount_value: `${i + 2}.00`,
        groups: [group('g1', i + 1, ['A'])],
      }),
    );
    const resp = evaluate(request([line('A', '10.00', 3)]), promos);
    expect(resp.best_discount_clusters[0]).toMatchObject({
      proven_optimal: true,
      original_algorithm: 'permutations',
    });
    expect(resp.best_discount_clusters[0].discount).toBe(resp.basket.discount);
  });
});
