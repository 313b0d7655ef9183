import { describe, expect, it } from 'vitest';
import { createPromotionSet, PromotionValidationError, validatePromotions } from '../src';
import { group, promo } from './support/promotions';

describe('promotion ingest validation (spec §3.8)', () => {
  it('accepts the original field names and fills defaults and the short code', () => {
    const r = validatePromotions([
      {
        ksuid: 'K1',
        retailer: 'MUJI-GB',
        start_date_time: '2025-01-01T00:00:00Z',
        end_date_time: '2025-12-31T00:00:00Z',
        discount_value: 10,
        stores: ['s1'],
        promo_groups: [group('g1', 3, ['PEN'])],
      },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.promotions[0]!;
    expect(p).toMatchObject({
      id: 'K1',
      family: 'e',
      discountType: 'p',
      discountValue: 1000n,
      maxApplicationLimit: 1,
      layer: 1,
      promoShortCode: 'Buy3ofg1for10p',
    });
  });

  it('reports the path and reason of every problem in every promotion', () => {
    const r = validatePromotions([
      promo({ id: 'OK', groups: [group('g1', 1, ['A'])] }),
      promo({
        id: 'BAD1',
        family: 'c',
        discount_type: 'p',
        discount_value: '120.00',
        groups: [group('g1', 0, ['A'])],
      }),
      {
        ...promo({ id: 'BAD2', groups: [group('g1', 1, ['A'])] }),
        active_days: '11111',
        start_date_time: 'yesterday',
      },
      promo({ id: 'BAD3', family: 't', groups: [group('g1', '10.00', ['A']), group('g2', 1, ['B'])] }),
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '[1].discount_value',
        '[1].promo_groups',
        '[1].promo_groups[0].qty_or_value_min',
        '[2].active_days',
        '[2].start_date_time',
        '[3].target_discounted_group_name',
      ]),
    );
    expect(r.issues.every((i) => i.message.length > 0)).toBe(true);
  });

  it('never half-loads a batch', () => {
    const good = promo({ id: 'G', groups: [group('g1', 1, ['A'])] });
    const bad = promo({ id: 'B', family: 'r', groups: [group('g1', 2, ['A'])] }); // no target quantity
    expect(() => createPromotionSet([good, bad])).toThrow(PromotionValidationError);
    try {
      createPromotionSet([good, bad]);
    } catch (err) {
      expect((err as PromotionValidationError).issues[0]!.path).toBe('[1].target_discounted_group_qty_min');
    }
    expect(createPromotionSet([good]).size).toBe(1);
  });

  it('rejects money with more decimals than the currency and duplicate ids', () => {
    const r = validatePromotions([
      promo({ id: 'X', discount_type: 'v', discount_value: '1.005', groups: [group('g1', 1, ['A'])] }),
      promo({ id: 'Y', groups: [group('g1', 1, ['A'])] }),
      promo({ id: 'Y', groups: [group('g1', 1, ['A'])] }),
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(['[0]', '[2].id']);
  });

  it('forces basket families to layer ≥ 100 and b to strategy a and selection l', () => {
    const r = validatePromotions([
      promo({
        id: 'B',
        family: 'b',
        layer: 3,
        discount_type_strategy: 'e',
        discounted_group_item_selection_criteria: 'm',
        groups: [group('g1', '20.00', ['ALL'])],
      }),
    ]);
    expect(r.ok && r.promotions[0]).toMatchObject({
      layer: 100,
      strategy: 'a',
      discountedSelection: 'l',
      groups: [{ min: 2000n }],
    });
  });
});
