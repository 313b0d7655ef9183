import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CatalogIndex,
  PricingError,
  RegulationIndex,
  allocateLargestRemainder,
  barcodeConfigSchema,
  createPromotionSet,
  luhnCheckDigit,
  parseStoreTaxConfig,
  parseTaxTable,
  priceBasket,
  pricedBasketToJson,
} from '@kassa/promo-core';
import type { BasketInput, PricedBasket, StoreData } from '@kassa/promo-core';
import { group as promoGroup, promo as basePromo } from './support/promotions';

/**
 * A promotion (spec/promotions.md §3) giving 1.00 off the current price on one `ALL` group;
 * `over` replaces fields, `promo_groups` included.
 */
function promo(over: Record<string, unknown>): Record<string, unknown> {
  const { promo_groups, ...rest } = over;
  return basePromo({
    id: 'P',
    title: 'promotion',
    discount_type: 'v',
    discount_value: '1.00',
    discount_value_on: 'f',
    ...rest,
    groups: (promo_groups as Record<string, unknown>[] | undefined) ?? group(1, ['ALL']),
  } as Parameters<typeof basePromo>[0]);
}

const group = (min: number | string, nodes: string[]) => [promoGroup('g1', min, nodes)];

const TAX_TABLE = [
  { tax_code: 'STD', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '20.00' },
  { tax_code: 'RED', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '5.00' },
  { tax_code: 'ZERO', tax_level: 'VAT', retailer_tax_level_id: 'VAT', tax_percent: '0.00' },
  { tax_code: 'GEN', tax_level: 'STATE', retailer_tax_level_id: 'STATE', tax_percent: '6.25' },
  { tax_code: 'GEN', tax_level: 'CITY', retailer_tax_level_id: 'CITY', tax_percent: '2.00' },
  { tax_code: 'FOOD', tax_level: 'STATE', retailer_tax_level_id: 'STATE', tax_percent: '0.00' },
  { tax_code: 'FOOD', tax_level: 'CITY', retailer_tax_level_id: 'CITY', tax_percent: '1.00' },
];

const CATALOG = [
  { item_id: 'sandwich', product_identifier: '1000000000009', base_price: '3.50', tax_code: 'STD' },
  { item_id: 'milk', product_identifier: '1000000000016', base_price: '1.20', tax_code: 'ZERO' },
  { item_id: 'water', product_identifier: '1000000000023', base_price: '1.00', tax_code: 'STD' },
  { item_id: 'a40', product_identifier: '1000000000030', base_price: '40.00', tax_code: 'STD' },
  { item_id: 'b10', product_identifier: '1000000000047', base_price: '10.00', tax_code: 'RED' },
  { item_id: 'tshirt', product_identifier: '1000000000054', base_price: '20.00', tax_code: 'GEN' },
  { item_id: 'snack', product_identifier: '1000000000061', base_price: '3.49', tax_code: 'FOOD' },
  {
    item_id: 'cheese',
    product_identifier: '2812345',
    base_price: '18.90',
    price_per_unit_measure: '18.90',
    unit_of_measure: 'kg',
    tax_code: 'ZERO',
  },
  {
    item_id: 'wine',
    product_identifier: '1000000000078',
    base_price: '8.00',
    tax_code: 'STD',
    minimum_age_required: 18,
    requires_approval: true,
    max_basket_qty: 3,
  },
  {
    item_id: 'lamp',
    product_identifier: '1000000000085',
    base_price: '25.00',
    tax_code: 'STD',
    allow_price_override: true,
  },
  {
    item_id: 'knife',
    product_identifier: '1000000000092',
    base_price: '12.00',
    tax_code: 'STD',
    not_for_self_checkout: true,
  },
  { item_id: 'bag', product_identifier: 'BAG', base_price: '0.10', tax_code: 'STD' },
  { item_id: 'donation', product_identifier: 'DONATE', base_price: '0.00', tax_code: 'ZERO' },
];

function makeStore(
  opts: { promotions?: unknown[]; inclusive?: boolean; extra?: Partial<StoreData> } = {},
): StoreData {
  return {
    store_id: 'store-1',
    timezone: 'UTC',
    catalog: CatalogIndex.build({ items: CATALOG }).index,
    promotions: opts.promotions ? createPromotionSet(opts.promotions) : null,
    tax: {
      config: parseStoreTaxConfig({
        prices_include_tax: opts.inclusive ?? true,
        exemption_programs: [{ id: 'DIPLO', label: 'Diplomatic', exempt_tax_codes: 'ALL' }],
      }),
      table: parseTaxTable(TAX_TABLE),
    },
    barcodes: barcodeConfigSchema.parse({
      variable_measure_layouts: [{ prefix: '28', item_digits: 5, value_kind: 'weight_g', value_digits: 5 }],
    }),
    allow_negative_basket: true,
    data_version: 'test-1',
    ...opts.extra,
  };
}

const basket = (lines: BasketInput['lines'], extra: Partial<BasketInput> = {}): BasketInput => ({
  basket_id: 'b-1',
  evaluation_time: '2025-06-02T12:00:00Z',
  lines,
  ...extra,
});

const money = (v: bigint) => (Number(v) / 100).toFixed(2);
const line = (pb: PricedBasket, id: string) => pb.lines.find((l) => l.line_id === id)!;

describe('allocateLargestRemainder', () => {
  it('gives Example E: 5.00 over three 10.00 lines is 1.67, 1.67, 1.66', () => {
    expect(allocateLargestRemainder(500n, [1000n, 1000n, 1000n])).toEqual([167n, 167n, 166n]);
  });
  it('breaks ties on equal fractions by the larger line value, then the earlier line', () => {
    // 1 over (1, 3): fractions 1/4 and 3/4 → the second line.
    expect(allocateLargestRemainder(1n, [100n, 300n])).toEqual([0n, 1n]);
    // 2 over (1,1,2,2)/6: equal fractions → larger values first.
    expect(allocateLargestRemainder(1n, [1n, 1n, 2n, 2n])).toEqual([0n, 0n, 1n, 0n]);
  });
});

describe('priceBasket — spec/store.md §4.4 worked examples', () => {
  it('Example A: inclusive VAT, two rates, item-level promotion', () => {
    const store = makeStore({
      promotions: [
        promo({
          id: 'MEAL',
          title: 'Meal deal',
          family: 'e',
          discount_type_strategy: 'e',
          discount_value: '0.50',
          promo_groups: group(1, ['1000000000009']),
        }),
      ],
    });
    const pb = priceBasket(
      basket([
        { line_id: 's', scanned_code: '1000000000009' },
        { line_id: 'm', item_id: 'milk' },
        { line_id: 'w', item_id: 'water', quantity: 2 },
      ]),
      store,
    );
    expect(money(pb.totals.total_gross)).toBe('6.70');
    expect(money(pb.totals.total_discount)).toBe('0.50');
    expect(money(pb.totals.total_after_tax)).toBe('6.20');
    expect(money(pb.totals.total_tax)).toBe('0.83');
    expect(money(pb.totals.total_excl_tax)).toBe('5.37');
    const s = line(pb, 's');
    expect(s.promotions).toMatchObject([{ promo_id: 'MEAL', discount: 50n, units: 1, level: 'item' }]);
    expect(s.tax.tax4).toBe(5000n);
    expect(line(pb, 'w').tax.tax4).toBe(3333n);
    expect(s.explanation.join('\n')).toContain('Meal deal');
  });

  it('Example C: exclusive prices, two levels per code, percentage promotion', () => {
    const store = makeStore({
      inclusive: false,
      promotions: [
        promo({
          id: 'TEN',
          family: 'e',
          discount_type: 'p',
          discount_type_strategy: 'e',
          discount_value: '10',
          promo_groups: group(1, ['1000000000054']),
        }),
      ],
    });
    const pb = priceBasket(
      basket([
        { line_id: 't', item_id: 'tshirt' },
        { line_id: 'n', item_id: 'snack', quantity: 2 },
      ]),
      store,
    );
    expect(money(pb.totals.total_after_discount)).toBe('24.98');
    expect(money(pb.totals.total_tax)).toBe('1.56');
    expect(money(pb.totals.total_after_tax)).toBe('26.54');
    const rows = Object.fromEntries(
      pb.tax_breakup.map((b) => [`${b.retailer_tax_level_id} ${b.tax_percent}`, money(b.tax_amount)]),
    );
    expect(rows).toEqual({
      'STATE 6.25': '1.13',
      'STATE 0.00': '0.00',
      'CITY 2.00': '0.36',
      'CITY 1.00': '0.07',
    });
  });

  it('Example D: a basket-threshold promotion is allocated to lines before tax', () => {
    const store = makeStore({
      promotions: [
        promo({
          id: 'B5',
          title: '£5 off when you spend £50',
          family: 'b',
          discount_value: '5.00',
          layer: 100,
          promo_groups: group('50.00', ['ALL']),
        }),
      ],
    });
    const pb = priceBasket(
      basket([
        { line_id: 'a', item_id: 'a40' },
        { line_id: 'b', item_id: 'b10' },
      ]),
      store,
    );
    expect(line(pb, 'a').basket_discount).toBe(400n);
    expect(line(pb, 'b').basket_discount).toBe(100n);
    expect(line(pb, 'a').basket_discounts[0]).toMatchObject({ source: 'promotion', id: 'B5' });
    expect(money(pb.totals.total_after_tax)).toBe('45.00');
    expect(money(pb.totals.total_tax)).toBe('6.43');
    expect(money(pb.totals.total_excl_tax)).toBe('38.57');
    expect(pb.promotions).toMatchObject([{ promo_id: 'B5', discount: 500n, family: 'b' }]);
  });

  it('Example E: a basket discount over three equal lines by largest remainder', () => {
    const store = makeStore();
    const pb = priceBasket(
      basket(
        [
          { line_id: '1', item_id: 'b10' },
          { line_id: '2', item_id: 'b10' },
          { line_id: '3', item_id: 'b10' },
        ],
        { basket_discounts: [{ id: 'STAFF5', label: 'staff', amount: '5.00' }] },
      ),
      store,
    );
    expect(pb.lines.map((l) => money(l.basket_discount))).toEqual(['1.67', '1.67', '1.66']);
  });

  it('Example F: a weighed line from a variable-measure barcode', () => {
    const pb = priceBasket(basket([{ line_id: 'c', scanned_code: '2812345003480' }]), makeStore());
    const c = line(pb, 'c');
    expect(c).toMatchObject({ weight_g: 348, measure_price: 1890n, gross: 658n, price_source: 'weight' });
    expect(pb.totals.total_tax).toBe(0n);
  });

  it('Example G: a tax-exempt sale', () => {
    const store = makeStore({ inclusive: false });
    const lines = [{ line_id: 'j', item_id: 'a40' }];
    expect(priceBasket(basket(lines), store).totals.total_tax).toBe(800n);
    const exempt = priceBasket(
      basket(lines, { tax_mode_override: { exemption_program_id: 'DIPLO', reference: 'C-1' } }),
      store,
    );
    expect(exempt.totals.total_tax).toBe(0n);
    expect(exempt.totals.total_after_tax).toBe(4000n);
    expect(exempt.tax_exemption).toMatchObject({ programId: 'DIPLO', reference: 'C-1' });
  });
});

describe('priceBasket — lines', () => {
  it('refuses lines with a named reason and prices the rest', () => {
    const store = makeStore({ extra: { allow_negative_basket: false } });
    const pb = priceBasket(
      basket([
        { line_id: 'ok', item_id: 'milk' },
        { line_id: 'unknown', scanned_code: '9999999999994' },
        { line_id: 'check', scanned_code: '1000000000017' },
        { line_id: 'noitem', item_id: 'nope' },
        { line_id: 'knife', item_id: 'knife' },
        { line_id: 'ret', item_id: 'milk', is_return_item: true },
        { line_id: 'w1', item_id: 'wine', quantity: 2 },
        { line_id: 'w2', item_id: 'wine', quantity: 2 },
        { line_id: 'cheese', item_id: 'cheese' },
        { line_id: 'addon', item_id: 'bag', parent_line_id: 'missing' },
      ]),
      store,
    );
    expect(pb.lines.map((l) => l.line_id)).toEqual(['ok', 'w1']);
    expect(Object.fromEntries(pb.refusals.map((r) => [r.line_id, r.code]))).toEqual({
      unknown: 'UNKNOWN_BARCODE',
      check: 'BAD_CHECK_DIGIT',
      noitem: 'UNKNOWN_ITEM',
      knife: 'RESTRICTED_ITEM',
      ret: 'RETURN_NOT_ALLOWED',
      w2: 'QUANTITY_RESTRICTED',
      cheese: 'WEIGHT_REQUIRED',
      addon: 'INVALID_LINE',
    });
    expect(pb.refusals.find((r) => r.line_id === 'w2')!.details).toMatchObject({ allowed: 1 });
    expect(pb.requires_approval).toBe(true);
    expect(pb.minimum_age_required).toBe(18);
  });

  it('refuses age-restricted items where the store cannot verify', () => {
    const pb = priceBasket(
      basket([{ line_id: 'w', item_id: 'wine' }]),
      makeStore({ extra: { refuse_age_restricted: true } }),
    );
    expect(pb.refusals).toMatchObject([{ code: 'RESTRICTED_AGE' }]);
  });

  it('keeps overridden, marked-down, special and return lines out of promotions', () => {
    const store = makeStore({
      promotions: [
        promo({
          id: 'ALL10',
          family: 'e',
          discount_type: 'p',
          discount_type_strategy: 'e',
          discount_value: '10',
        }),
      ],
    });
    const body = '1' + '01000000000085' + '01000';
    const rtc = `MP1${'01000000000085'}A01000${luhnCheckDigit(body)}`;
    const pb = priceBasket(
      basket([
        { line_id: 'plain', item_id: 'lamp' },
        {
          line_id: 'over',
          item_id: 'lamp',
          price_override: { new_unit_price: '20.00', reason: 'damaged', staff_user_id: 'staff-1' },
        },
        { line_id: 'rtc', scanned_code: rtc },
        { line_id: 'ret', item_id: 'lamp', is_return_item: true },
        { line_id: 'don', item_id: 'donation', kind: 'donation', amount: '2.00' },
      ]),
      store,
    );
    expect(line(pb, 'plain').item_discount).toBe(250n);
    expect(line(pb, 'over')).toMatchObject({
      payable: 2000n,
      promotion_exclusion: 'override',
      price_source: 'override',
    });
    expect(line(pb, 'rtc')).toMatchObject({ payable: 1000n, promotion_exclusion: 'markdown' });
    expect(line(pb, 'ret')).toMatchObject({
      gross: -2500n,
      payable: -2500n,
      savings: 0n,
      promotion_exclusion: 'return',
    });
    expect(line(pb, 'ret').tax.tax).toBeLessThan(0n);
    expect(line(pb, 'don')).toMatchObject({ payable: 200n, promotion_exclusion: 'special_line' });
  });

  it('refuses an override on an item that does not allow one', () => {
    const pb = priceBasket(
      basket([
        {
          line_id: 'm',
          item_id: 'milk',
          price_override: { percent_off: '50', reason: 'x', staff_user_id: 's' },
        },
      ]),
      makeStore(),
    );
    expect(pb.refusals).toMatchObject([{ code: 'OVERRIDE_NOT_ALLOWED' }]);
  });

  it('keeps the snapshot price of a line after a catalogue price change', () => {
    const pb = priceBasket(
      basket([
        { line_id: 'm', item_id: 'milk', price_snapshot: { base_price: '1.10', selling_price: '1.00' } },
      ]),
      makeStore(),
    );
    expect(line(pb, 'm')).toMatchObject({
      base_price: 110n,
      selling_price: 100n,
      price_source: 'snapshot',
      savings: 10n,
    });
  });

  it('throws a structured error for an invalid basket or a missing tax code', () => {
    expect(() => priceBasket({ basket_id: 'x' }, makeStore())).toThrow(PricingError);
    try {
      priceBasket({ basket_id: 'x', evaluation_time: 'now', lines: [] }, makeStore());
    } catch (e) {
      expect((e as PricingError).toJSON().error.code).toBe('BASKET_INVALID');
    }
    const store = makeStore();
    const noCode = CatalogIndex.build({
      items: [{ item_id: 'x', product_identifier: 'X', base_price: '1.00' }],
    }).index;
    expect(() =>
      priceBasket(basket([{ line_id: '1', item_id: 'x' }]), { ...store, catalog: noCode }),
    ).toThrow(expect.objectContaining({ code: 'TAX_CODE_MISSING' }));
  });

  it('is deterministic: the same basket and data give byte-identical JSON', () => {
    const store = makeStore({
      promotions: [
        promo({
          id: 'B5',
          family: 'b',
          discount_value: '5.00',
          layer: 100,
          promo_groups: group('10.00', ['ALL']),
        }),
      ],
    });
    const b = basket([
      { line_id: '1', item_id: 'a40' },
      { line_id: '2', item_id: 'water', quantity: 3 },
      { line_id: '3', scanned_code: '2812345003480' },
    ]);
    const first = pricedBasketToJson(priceBasket(b, store));
    expect(
      pricedBasketToJson(
        priceBasket(
          structuredClone(b),
          makeStore({
            promotions: [
              promo({
                id: 'B5',
                family: 'b',
                discount_value: '5.00',
                layer: 100,
                promo_groups: group('10.00', ['ALL']),
              }),
            ],
          }),
        ),
      ),
    ).toBe(first);
    expect(JSON.parse(first).totals.total_discount).toBe('5.00');
  });
});

describe('pricedBasketToJson', () => {
  it('writes money in the currency places and ledger fields with four', () => {
    const pb = priceBasket(basket([{ line_id: 'w', item_id: 'water', quantity: 2 }]), makeStore());
    const j = JSON.parse(pricedBasketToJson(pb));
    expect(j.lines[0].payable).toBe('2.00');
    expect(j.lines[0].tax.tax4).toBe('0.3333');
    expect(j.lines[0].tax.amount4).toBe('2.0000');
    expect(j.totals.total_tax).toBe('0.33');
    expect(j.tax_breakup[0]).toMatchObject({ tax_percent: '20.00', tax_amount: '0.33' });
  });
});

describe('priceBasket — basket-level promotion allocation', () => {
  const fourWaters = basket([1, 2, 3, 4].map((n) => ({ line_id: `w${n}`, item_id: 'water' })));
  const sixPence = promo({
    id: 'X',
    family: 'b',
    discount_value: '0.06',
    layer: 100,
    promo_groups: group('0.01', ['ALL']),
  });

  it('re-spreads a b promotion by largest remainder (the engine puts the rounding on the last unit)', () => {
    const pb = priceBasket(fourWaters, makeStore({ promotions: [sixPence] }));
    expect(pb.lines.map((l) => l.basket_discount)).toEqual([2n, 2n, 1n, 1n]);
    expect(pb.totals.total_discount).toBe(6n);
    expect(pb.lines[0]!.explanation.some((e) => e.includes('allocated by line value'))).toBe(true);
  });

  it('keeps the engine split when a re-spread share would leave a line negative', () => {
    const everything = promo({
      id: 'Y',
      family: 'b',
      discount_type: 'p',
      discount_value: '100',
      layer: 101,
      promo_groups: group('0.01', ['ALL']),
    });
    const pb = priceBasket(fourWaters, makeStore({ promotions: [sixPence, everything] }));
    expect(pb.diagnostics.map((d) => d.code)).toContain('BASKET_ALLOCATION_ENGINE_SPLIT');
    expect(pb.lines.every((l) => l.payable === 0n)).toBe(true);
    expect(pb.totals.total_after_tax).toBe(0n);
  });
});

describe('priceBasket — more line kinds', () => {
  it('prices a GS1-128 price label, packs, an assisted-lane item and an add-on', () => {
    const store = makeStore();
    const pb = priceBasket(
      basket(
        [
          { line_id: 'gs1', scanned_code: '0101000000000030' + '3922' + '3599', symbology: 'GS1_128' },
          { line_id: 'knife', item_id: 'knife' },
          { line_id: 'bag', item_id: 'bag', kind: 'bag', parent_line_id: 'knife' },
        ],
        { channel: 'assisted' },
      ),
      store,
    );
    expect(pb.refusals).toEqual([]);
    expect(line(pb, 'gs1')).toMatchObject({ item_id: 'a40', gross: 3599n, price_source: 'price_embedded' });
    expect(line(pb, 'bag')).toMatchObject({ parent_line_id: 'knife', promotion_exclusion: 'special_line' });
  });

  it('refuses an expired GS1 label at pricing time, judged at the basket instant', () => {
    const pb = priceBasket(
      basket([{ line_id: 'old', scanned_code: '0101000000000030' + '17250601', symbology: 'GS1_128' }]),
      makeStore(),
    );
    expect(pb.refusals).toMatchObject([
      { line_id: 'old', code: 'EXPIRED', details: { expiry: '2025-06-01' } },
    ]);
  });

  it('needs an amount for a donation line', () => {
    const pb = priceBasket(basket([{ line_id: 'd', item_id: 'donation', kind: 'donation' }]), makeStore());
    expect(pb.refusals).toMatchObject([{ code: 'PRICE_REQUIRED' }]);
  });
});

describe('priceBasket — product regulations', () => {
  const regs = RegulationIndex.parse([
    {
      regulation_id: 'R-PAIN',
      identifier: '1000000000023',
      identifier_type: 'barcode',
      regulation_type: 'quantity_limit',
      allowed_quantity: 2,
      reason: 'at most 2 packs of water',
    },
    {
      regulation_id: 'R-BASKET',
      identifier: 'b10',
      identifier_type: 'item',
      regulation_type: 'quantity_limit',
      allowed_quantity: 3,
      applicable_level: 'basket',
    },
    {
      regulation_id: 'R-LAMP',
      identifier: 'lamp',
      identifier_type: 'item',
      regulation_type: 'verification_required',
    },
    {
      regulation_id: 'R-OLD',
      identifier: 'milk',
      identifier_type: 'item',
      regulation_type: 'quantity_limit',
      allowed_quantity: 0,
      valid_till: '2024-01-01T00:00:00Z',
    },
  ]);

  it('refuses units over a limit, names the regulation, and ignores expired ones', () => {
    const pb = priceBasket(
      basket([
        { line_id: 'w1', item_id: 'water' },
        { line_id: 'w2', item_id: 'water', quantity: 2 },
        { line_id: 'w3', item_id: 'water' },
        { line_id: 'b1', item_id: 'b10', quantity: 3 },
        { line_id: 'b2', item_id: 'b10' },
        { line_id: 'm', item_id: 'milk', quantity: 5 },
        { line_id: 'l', item_id: 'lamp' },
      ]),
      makeStore({ extra: { regulations: regs } }),
    );
    expect(pb.lines.map((l) => l.line_id)).toEqual(['w1', 'w3', 'b1', 'm', 'l']);
    expect(pb.refusals).toMatchObject([
      { line_id: 'w2', code: 'QUANTITY_RESTRICTED', details: { allowed: 1, regulation_id: 'R-PAIN' } },
      { line_id: 'b2', code: 'QUANTITY_RESTRICTED', details: { allowed: 0, regulation_id: 'R-BASKET' } },
    ]);
    expect(line(pb, 'l').requires_verification).toBe(true);
  });
});

describe('properties', () => {
  it('largest remainder: shares add up and each is within one unit of its exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10_000_000n }),
        fc.array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          const sum = weights.reduce((s, w) => s + w, 0n);
          fc.pre(sum > 0n);
          const shares = allocateLargestRemainder(total, weights);
          expect(shares.reduce((s, v) => s + v, 0n)).toBe(total);
          shares.forEach((s, i) => {
            const floor = (total * weights[i]!) / sum;
            expect(s === floor || s === floor + 1n).toBe(true);
          });
        },
      ),
    );
  });

  const PROMOS = [
    promo({
      id: 'ALLFREE',
      family: 'b',
      discount_type: 'p',
      discount_value: '100',
      layer: 102,
      promo_groups: group('200.00', ['ALL']),
    }),
    promo({
      id: 'B6P',
      family: 'b',
      discount_value: '0.06',
      layer: 99,
      promo_groups: group('0.01', ['ALL']),
    }),
    promo({
      id: 'W10',
      family: 'e',
      discount_type: 'p',
      discount_type_strategy: 'e',
      discount_value: '10',
      promo_groups: group(1, ['1000000000023']),
    }),
    promo({ id: 'S2', family: 'e', discount_value: '0.75', promo_groups: group(2, ['1000000000009']) }),
    promo({
      id: 'B5',
      family: 'b',
      discount_value: '5.00',
      layer: 100,
      promo_groups: group('20.00', ['ALL']),
    }),
    promo({
      id: 'B10P',
      family: 'b',
      discount_type: 'p',
      discount_value: '10',
      layer: 101,
      promo_groups: group('30.00', ['ALL']),
    }),
    promo({
      id: 'TSHIRT',
      family: 'e',
      discount_type: 'f',
      discount_type_strategy: 'e',
      discount_value: '15.00',
      promo_groups: group(1, ['1000000000054']),
    }),
  ];
  const COUNTED = ['sandwich', 'milk', 'water', 'a40', 'b10', 'tshirt', 'snack', 'lamp', 'wine', 'bag'];

  const lineArb = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        item: fc.constantFrom(...COUNTED),
        qty: fc.integer({ min: 1, max: 5 }),
        ret: fc.boolean(),
        override: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ grams: fc.integer({ min: 1, max: 5000 }), ret: fc.boolean() }) },
  );
  const scenario = fc.record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 14 }),
    promos: fc.subarray(PROMOS),
    inclusive: fc.boolean(),
    unit: fc.constantFrom('breakup_row', 'line', 'basket'),
    mode: fc.constantFrom('half_up', 'half_even', 'down'),
    manual: fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 9000 }).map((c) => ({ amount: (c / 100).toFixed(2) })),
        fc.constantFrom({ percent_off: '12.5' }),
      ),
      { maxLength: 2 },
    ),
    exempt: fc.boolean(),
  });

  it('totals always reconcile, and only return lines are negative', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const store = makeStore({ promotions: sc.promos, inclusive: sc.inclusive });
        store.tax.config = {
          ...store.tax.config,
          rounding: { unit: sc.unit, mode: sc.mode },
        } as typeof store.tax.config;
        const input = basket(
          sc.lines.map((l, i) =>
            'grams' in l
              ? { line_id: `l${i}`, item_id: 'cheese', weight_g: l.grams, is_return_item: l.ret }
              : {
                  line_id: `l${i}`,
                  item_id: l.item,
                  quantity: l.qty,
                  is_return_item: l.ret && l.item !== 'bag',
                  ...(l.override !== undefined && l.item === 'lamp'
                    ? {
                        price_override: {
                          new_unit_price: (l.override / 100).toFixed(2),
                          reason: 'r',
                          staff_user_id: 's',
                        },
                      }
                    : {}),
                },
          ),
          {
            basket_discounts: sc.manual.map((m, i) => ({ id: `M${i}`, ...m })),
            ...(sc.exempt ? { tax_mode_override: { apply_tax: false as const } } : {}),
          },
        );
        const pb = priceBasket(input, store);
        const t = pb.totals;
        const sum = (f: (l: PricedBasket['lines'][number]) => bigint) =>
          pb.lines.reduce((s, l) => s + f(l), 0n);

        expect(pb.lines.length + pb.refusals.length).toBe(sc.lines.length);
        expect(sum((l) => l.payable)).toBe(t.total_after_discount);
        expect(t.total_gross - t.total_discount).toBe(t.total_after_discount);
        expect(t.total_item_discount + t.total_basket_discount).toBe(t.total_discount);
        expect(sum((l) => l.tax.tax)).toBe(t.total_tax);
        expect(pb.tax_breakup.reduce((s, b) => s + b.tax_amount, 0n)).toBe(t.total_tax);
        if (sc.inclusive) {
          expect(t.total_after_tax).toBe(t.total_after_discount);
          expect(t.total_excl_tax + t.total_tax).toBe(t.total_after_tax);
        } else {
          expect(t.total_after_tax).toBe(t.total_after_discount + t.total_tax);
          expect(t.total_excl_tax).toBe(t.total_after_discount);
        }
        if (sc.exempt) expect(t.total_tax).toBe(0n);
        for (const l of pb.lines) {
          expect(l.payable).toBe(l.gross - l.item_discount - l.basket_discount);
          if (l.is_return_item) {
            expect(l.payable).toBeLessThanOrEqual(0n);
            expect(l.total_discount).toBe(0n);
          } else {
            expect(l.payable).toBeGreaterThanOrEqual(0n);
          }
        }
        for (const p of pb.promotions) {
          const onLines = pb.lines.flatMap((l) => l.promotions).filter((x) => x.promo_id === p.promo_id);
          expect(onLines.reduce((s, x) => s + x.discount, 0n)).toBe(p.discount);
        }
        expect(pricedBasketToJson(priceBasket(input, store))).toBe(pricedBasketToJson(pb));
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
