/**
 * Incremental pricing (startPricing / repriceBasket) against full priceBasket, byte for byte.
 *
 * The store joins the demo generator's promotions (all eight families, category and item
 * nodes, a basket threshold over ALL) and part of its catalogue (counted, weighed produce,
 * age-restricted) with items for the remaining cases: two more tax regimes (a reduced rate and
 * a two-level sales tax), a per-basket limit, an overridable item, an item kept out of
 * promotions, a deposit, not-for-self-checkout, bag and donation lines. Codes include plain
 * EANs, weighed labels with the weight in the code, GS1 element strings with an expiry (some
 * expired at some instants, by day (AI 17) or minute (AI 7003)), an unknown code and a bad
 * check digit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_STORE_ID, generateDemoStore } from '../../scripts/demo-data/generate';
import {
  CatalogIndex,
  PricingError,
  barcodeConfigSchema,
  createPromotionSet,
  parseStoreTaxConfig,
  parseTaxTable,
  priceBasket,
  pricedBasketToJson,
  repriceBasket,
  startPricing,
} from '@kassa/promo-core';
import type { BasketChange, BasketInput, BasketLineInput, PricingState, StoreData } from '@kassa/promo-core';

type Wire = Record<string, unknown>;
const demo = generateDemoStore() as {
  items: Wire[];
  categories: Wire[];
  promotions: Wire[];
};

const EXTRA: Wire[] = [
  { item_id: 'x-red', product_identifier: '1000000000047', base_price: '10.00', tax_code: 'RED' },
  { item_id: 'x-gen', product_identifier: '1000000000054', base_price: '20.00', tax_code: 'GEN' },
  { item_id: 'x-food', product_identifier: '1000000000061', base_price: '3.49', tax_code: 'FOOD' },
  {
    item_id: 'x-lim',
    product_identifier: '1000000000078',
    base_price: '8.00',
    tax_code: 'STD',
    max_basket_qty: 3,
  },
  {
    item_id: 'x-lamp',
    product_identifier: '1000000000085',
    base_price: '25.00',
    tax_code: 'STD',
    allow_price_override: true,
  },
  {
    item_id: 'x-knife',
    product_identifier: '1000000000092',
    base_price: '12.00',
    tax_code: 'STD',
    not_for_self_checkout: true,
  },
  {
    item_id: 'x-noprom',
    product_identifier: '1000000000108',
    base_price: '4.00',
    tax_code: 'RED',
    excluded_from_promotions: true,
  },
  {
    item_id: 'x-dep',
    product_identifier: '1000000000115',
    base_price: '0.25',
    tax_code: 'ZERO',
    is_deposit: true,
  },
  { item_id: 'x-bag', product_identifier: 'BAG', base_price: '0.10', tax_code: 'STD' },
  { item_id: 'x-don', product_identifier: 'DONATE', base_price: '0.00', tax_code: 'ZERO' },
];

const TAX = [
  { tax_code: 'STD', tax_level: 'VAT', retailer_tax_level_id: 'VAT20', tax_percent: '20.00' },
  { tax_code: 'ZERO', tax_level: 'VAT', retailer_tax_level_id: 'VAT0', tax_percent: '0.00' },
  { tax_code: 'RED', tax_level: 'VAT', retailer_tax_level_id: 'VAT5', tax_percent: '5.00' },
  { tax_code: 'GEN', tax_level: 'STATE', retailer_tax_level_id: 'STATE', tax_percent: '6.25' },
  { tax_code: 'GEN', tax_level: 'CITY', retailer_tax_level_id: 'CITY', tax_percent: '2.00' },
  { tax_code: 'FOOD', tax_level: 'STATE', retailer_tax_level_id: 'STATE', tax_percent: '0.00' },
  { tax_code: 'FOOD', tax_level: 'CITY', retailer_tax_level_id: 'CITY', tax_percent: '1.00' },
];

function makeStore(version: string, inclusive: boolean): StoreData {
  return {
    // The demo promotions are linked to the demo store only: any other id prices with none.
    store_id: DEMO_STORE_ID,
    timezone: 'Europe/London',
    catalog: CatalogIndex.build({ items: [...demo.items, ...EXTRA], categories: demo.categories }).index,
    promotions: createPromotionSet(demo.promotions),
    tax: {
      config: parseStoreTaxConfig({
        prices_include_tax: inclusive,
        exemption_programs: [{ id: 'DIPLO', label: 'Diplomatic', exempt_tax_codes: ['STD'] }],
      }),
      table: parseTaxTable(TAX),
    },
    barcodes: barcodeConfigSchema.parse({
      variable_measure_layouts: [{ prefix: '28', item_digits: 5, value_kind: 'weight_g', value_digits: 5 }],
    }),
    allow_negative_basket: true,
    data_version: version,
  };
}
// Two data versions (one exclusive of tax): a change of StoreData mid-sequence drops every cache.
const STORES = [makeStore('v1', true), makeStore('v2', false)];
/** The same stores under an id no promotion is linked to: lines that no promotion ties together. */
const PLAIN: StoreData[] = STORES.map((st) => ({ ...st, store_id: 'store-without-promotions' }));

const counted = demo.items
  .filter((i) => (i.unit_of_measure ?? 'each') === 'each')
  .map((i) => String(i.product_identifier));
const produce = demo.items.filter((i) => i.unit_of_measure === 'kg').map((i) => String(i.product_identifier));

const ean13 = (body12: string): string => {
  let s = 0;
  for (let i = 0; i < 12; i++) s += Number(body12[i]) * (i % 2 ? 3 : 1);
  return body12 + String((10 - (s % 10)) % 10);
};
/** A weighed label: 28 + item ref + grams + check digit. */
const weighedLabel = (plu: string, grams: number): string =>
  ean13(`${plu}${String(grams).padStart(5, '0')}`.slice(0, 12));

const codeArb: fc.Arbitrary<Partial<BasketLineInput>> = fc.oneof(
  // Few codes, so repeats and shared promotions are common.
  { weight: 8, arbitrary: fc.constantFrom(...counted.slice(0, 60)).map((c) => ({ scanned_code: c })) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...EXTRA.slice(0, 8).map((i) => String(i.product_identifier)))
      .map((c) => ({ scanned_code: c })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ plu: fc.constantFrom(...produce.slice(0, 6)), g: fc.integer({ min: 5, max: 3000 }) })
      .map(({ plu, g }) => ({ scanned_code: weighedLabel(plu, g) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ plu: fc.constantFrom(...produce.slice(0, 6)), g: fc.integer({ min: 5, max: 3000 }) })
      .map(({ plu, g }) => ({ scanned_code: plu, weight_g: g })),
  },
  {
    weight: 1,
    // GS1 element string with a best-before day around the evaluation instants below.
    arbitrary: fc
      .constantFrom('250601', '250602', '250603', '250610')
      .map((d) => ({ scanned_code: `0101000000000047` + `17${d}`, symbology: 'GS1_128' as const })),
  },
  {
    weight: 1,
    // AI 7003: expiry to the minute (store-local, BST: the first instant is 09:30 local).
    arbitrary: fc
      .constantFrom('2506020940', '2506021015', '2506021200')
      .map((t) => ({ scanned_code: `0101000000000054` + `7003${t}`, symbology: 'GS1_128' as const })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom({ scanned_code: '5000000999993' }, { scanned_code: '1000000000040' }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Partial<BasketLineInput>>(
      { item_id: 'x-bag', kind: 'bag' },
      { item_id: 'x-don', kind: 'donation', amount: '2.00' },
      { item_id: 'x-don', kind: 'donation' },
      { item_id: 'x-dep', kind: 'deposit' },
    ),
  },
);

const lineArb = (id: string): fc.Arbitrary<BasketLineInput> =>
  fc
    .record({
      code: codeArb,
      quantity: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      snapshot: fc.boolean(),
      override: fc.integer({ min: 0, max: 9 }),
      ret: fc.integer({ min: 0, max: 14 }),
    })
    .map(({ code, quantity, snapshot, override, ret }) => {
      const l: BasketLineInput = { line_id: id, ...code } as BasketLineInput;
      if (quantity !== undefined && code.weight_g === undefined) l.quantity = quantity;
      if (snapshot && code.scanned_code && !code.weight_g)
        l.price_snapshot = { base_price: '3.00', selling_price: '2.50' };
      if (override === 0)
        l.price_override = { new_unit_price: '19.99', reason: 'damaged', staff_user_id: 'S1' };
      if (override === 1) l.price_override = { percent_off: '15', reason: 'match', staff_user_id: 'S1' };
      if (ret === 0) l.is_return_item = true;
      return l;
    });

type Step =
  | { kind: 'add'; line: BasketLineInput; parent: number | null }
  | { kind: 'remove'; at: number }
  | { kind: 'quantity'; at: number; quantity: number }
  | { kind: 'replace'; at: number; snapshot: boolean }
  | { kind: 'fields'; minutes: number; discount: number; tax: number; channel: boolean }
  | { kind: 'store'; to: number };

let lineSeq = 0;
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({ line: lineArb('L'), parent: fc.option(fc.nat(20), { nil: null, freq: 6 }) })
      .map((s) => ({ kind: 'add' as const, ...s })),
  },
  { weight: 2, arbitrary: fc.nat(30).map((at) => ({ kind: 'remove' as const, at })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ at: fc.nat(30), quantity: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(200_000)) })
      .map((s) => ({ kind: 'quantity' as const, ...s })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ at: fc.nat(30), snapshot: fc.boolean() })
      .map((s) => ({ kind: 'replace' as const, ...s })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        // Minutes to hours (same day) and days (GS1 expiry, promotion days) ahead.
        minutes: fc.oneof(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 600, max: 4 * 1440 })),
        discount: fc.integer({ min: 0, max: 3 }),
        tax: fc.integer({ min: 0, max: 4 }),
        channel: fc.boolean(),
      })
      .map((s) => ({ kind: 'fields' as const, ...s })),
  },
  { weight: 1, arbitrary: fc.nat(1).map((to) => ({ kind: 'store' as const, to })) },
);

/** What full pricing gives for the same input: its JSON, or the error code it throws. */
function full(input: BasketInput, store: StoreData): string {
  try {
    return pricedBasketToJson(priceBasket(input, store));
  } catch (err) {
    if (err instanceof PricingError) return `error ${err.code}`;
    throw err;
  }
}

function attempt(f: () => PricingState): PricingState | string {
  try {
    return f();
  } catch (err) {
    if (err instanceof PricingError) return `error ${err.code}`;
    throw err;
  }
}

describe('incremental pricing', () => {
  it('equals full priceBasket byte for byte for random sequences of changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), async (steps) => {
        // Async with a yield per run: a long synchronous property would block vitest's worker.
        await new Promise((r) => setImmediate(r));
        let store = STORES[0]!;
        let at = Date.parse('2025-06-02T08:30:00Z');
        let head: Omit<BasketInput, 'lines'> = {
          basket_id: 'b-1',
          evaluation_time: new Date(at).toISOString(),
        };
        let lines: BasketLineInput[] = [];
        let state = startPricing({ ...head, lines }, store);
        for (const step of steps) {
          let change: BasketChange | BasketChange[] | null = null;
          let nextLines = lines;
          let fields: Partial<BasketInput> = {};
          if (step.kind === 'add') {
            const id = `L${++lineSeq}`;
            const parent =
              step.parent !== null && lines.length > 0 ? lines[step.parent % lines.length]! : null;
            const line = { ...step.line, line_id: id, ...(parent ? { parent_line_id: parent.line_id } : {}) };
            change = { op: 'add', line };
            nextLines = [...lines, line];
          } else if (step.kind === 'store') {
            store = STORES[step.to]!;
          } else if (step.kind === 'fields') {
            at += step.minutes * 60_000;
            fields = {
              evaluation_time: new Date(at).toISOString(),
              basket_discounts:
                step.discount === 0
                  ? [{ id: 'D1', label: 'staff', amount: '1.50' }]
                  : step.discount === 1
                    ? [{ id: 'D2', percent_off: '10' }]
                    : [],
              tax_mode_override:
                step.tax === 0
                  ? { apply_tax: false }
                  : step.tax === 1
                    ? { exemption_program_id: 'DIPLO' }
                    : null,
              channel: step.channel ? 'assisted' : 'self_checkout',
            };
            change = [];
          } else if (lines.length > 0) {
            const target = lines[step.at % lines.length]!;
            if (step.kind === 'remove') {
              // Add-ons go with their parent, as the hub does it: several changes at once.
              const gone = lines.filter(
                (l) => l.line_id === target.line_id || l.parent_line_id === target.line_id,
              );
              change = gone.map((l) => ({ op: 'remove' as const, line_id: l.line_id }));
              nextLines = lines.filter((l) => !gone.includes(l));
            } else if (step.kind === 'quantity') {
              change = { op: 'quantity', line_id: target.line_id, quantity: step.quantity };
              nextLines = lines.map((l) => (l === target ? { ...l, quantity: step.quantity } : l));
            } else {
              const { price_snapshot: _, ...rest } = target;
              void _;
              const line = step.snapshot
                ? { ...rest, price_snapshot: { base_price: '5.00', selling_price: '4.75' } }
                : rest;
              change = { op: 'replace', line };
              nextLines = lines.map((l) => (l === target ? line : l));
            }
          }
          const nextHead = { ...head, ...fields };
          const expected = full({ ...nextHead, lines: nextLines }, store);
          const got = attempt(() => repriceBasket(state, change ?? [], store, fields));
          if (typeof got === 'string') {
            expect(got).toBe(expected);
            continue; // refused as a whole: the basket stays as it was, like a rolled-back change
          }
          expect(got.json()).toBe(expected);
          expect(pricedBasketToJson(got.priced)).toBe(expected);
          state = got;
          lines = nextLines;
          head = nextHead;
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  }, 120_000);

  it('keeps unchanged lines (same priced line object and JSON) and re-assembles the changed one', () => {
    const store = PLAIN[0]!;
    // Items outside every promotion group, so nothing links the lines.
    const lines: BasketLineInput[] = [
      { line_id: 'a', scanned_code: '1000000000047' },
      { line_id: 'b', scanned_code: '1000000000054' },
      { line_id: 'c', scanned_code: '1000000000061' },
    ];
    const s0 = startPricing({ basket_id: 'b', evaluation_time: '2025-06-02T10:00:00Z', lines }, store);
    const s1 = repriceBasket(s0, { op: 'quantity', line_id: 'b', quantity: 2 }, store, {
      evaluation_time: '2025-06-02T10:01:00Z',
    });
    expect(s1.priced.lines[0]).toBe(s0.priced.lines[0]);
    expect(s1.priced.lines[2]).toBe(s0.priced.lines[2]);
    expect(s1.priced.lines[1]).not.toBe(s0.priced.lines[1]);
    expect(s1.priced.lines[1]!.quantity).toBe(2);
    // The engine's answer of this pricing is kept (kiosk hints), with the lines it was given.
    expect(s1.engine?.lines.map((l) => l.line_id)).toEqual(['a', 'b', 'c']);
    expect(Array.isArray(s1.engine?.suggestions)).toBe(true);
    // A new data version reuses nothing.
    const s2 = repriceBasket(s1, [], PLAIN[1]!);
    expect(s2.priced.lines[0]).not.toBe(s1.priced.lines[0]);
    expect(s2.json()).toBe(
      pricedBasketToJson(
        priceBasket(
          {
            basket_id: 'b',
            evaluation_time: '2025-06-02T10:01:00Z',
            lines: lines.map((l) => (l.line_id === 'b' ? { ...l, quantity: 2 } : l)),
          },
          PLAIN[1]!,
        ),
      ),
    );
  });

  it('refuses a change to a line that is not there, and an invalid changed line', () => {
    const s0 = startPricing(
      { basket_id: 'b', evaluation_time: '2025-06-02T10:00:00Z', lines: [] },
      STORES[0]!,
    );
    expect(() => repriceBasket(s0, { op: 'remove', line_id: 'nope' }, STORES[0]!)).toThrow(PricingError);
    expect(() =>
      repriceBasket(s0, { op: 'add', line: { line_id: 'x', quantity: 0, scanned_code: '1' } }, STORES[0]!),
    ).toThrow(/not valid/);
  });
});
