/**
 * Issue 8 §3, promo-core side: the priced JSON by parts (head + one text per line, as the hub
 * stores it) and tax by parts (see the tax describe below).
 *
 * Pricing sequences run on the demo store's catalogue and promotions with a tax table of one-,
 * zero- and two-level codes, under stores that differ in prices_include_tax and rounding, so
 * a change of store mid-sequence re-makes lines whose JSON may or may not change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_STORE_ID, generateDemoStore } from '../../scripts/demo-data/generate';
import {
  CatalogIndex,
  PricingError,
  barcodeConfigSchema,
  createPromotionSet,
  joinPricedJson,
  parseStoreTaxConfig,
  parseTaxTable,
  priceBasket,
  pricedBasketToJson,
  repriceBasket,
  startPricing,
} from '@kassa/promo-core';
import type { BasketChange, BasketInput, BasketLineInput, PricingState, StoreData } from '@kassa/promo-core';

type Wire = Record<string, unknown>;
const demo = generateDemoStore() as { items: Wire[]; categories: Wire[]; promotions: Wire[] };

const EXTRA: Wire[] = [
  { item_id: 'x-red', product_identifier: '1000000000047', base_price: '10.00', tax_code: 'RED' },
  { item_id: 'x-gen', product_identifier: '1000000000054', base_price: '20.00', tax_code: 'GEN' },
  { item_id: 'x-food', product_identifier: '1000000000061', base_price: '3.49', tax_code: 'FOOD' },
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

const catalog = CatalogIndex.build({ items: [...demo.items, ...EXTRA], categories: demo.categories }).index;
const promotions = createPromotionSet(demo.promotions);
const barcodes = barcodeConfigSchema.parse({
  variable_measure_layouts: [{ prefix: '28', item_digits: 5, value_kind: 'weight_g', value_digits: 5 }],
});

function makeStore(version: string, inclusive: boolean, mode: string, unit: string): StoreData {
  return {
    // The demo promotions are linked to the demo store only: any other id prices with none.
    store_id: DEMO_STORE_ID,
    timezone: 'Europe/London',
    catalog,
    promotions,
    tax: {
      config: parseStoreTaxConfig({
        prices_include_tax: inclusive,
        rounding: { mode, unit },
        exemption_programs: [{ id: 'DIPLO', label: 'Diplomatic', exempt_tax_codes: ['STD', 'GEN'] }],
      }),
      table: parseTaxTable(TAX),
    },
    barcodes,
    allow_negative_basket: true,
    data_version: version,
  };
}
// v1 and v1b are the same data under another object: every line is re-made and its JSON is equal.
const STORES = [
  makeStore('v1', true, 'half_up', 'breakup_row'),
  makeStore('v1', true, 'half_up', 'breakup_row'),
  makeStore('v2', false, 'half_even', 'line'),
  makeStore('v3', true, 'down', 'basket'),
];
/** The same stores under an id no promotion is linked to: lines that no promotion ties together. */
const PLAIN: StoreData[] = STORES.map((st) => ({ ...st, store_id: 'store-without-promotions' }));

const counted = demo.items
  .filter((i) => (i.unit_of_measure ?? 'each') === 'each')
  .map((i) => String(i.product_identifier));
const produce = demo.items.filter((i) => i.unit_of_measure === 'kg').map((i) => String(i.product_identifier));

const codeArb: fc.Arbitrary<Partial<BasketLineInput>> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...counted.slice(0, 60)).map((c) => ({ scanned_code: c })) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...EXTRA.slice(0, 4).map((i) => String(i.product_identifier)))
      .map((c) => ({ scanned_code: c })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ plu: fc.constantFrom(...produce.slice(0, 6)), g: fc.integer({ min: 5, max: 3000 }) })
      .map(({ plu, g }) => ({ scanned_code: plu, weight_g: g })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Partial<BasketLineInput>>(
      { item_id: 'x-bag', kind: 'bag' },
      { item_id: 'x-don', kind: 'donation', amount: '2.00' },
      { item_id: 'x-dep', kind: 'deposit' },
      { scanned_code: '5000000999993' },
    ),
  },
);

const lineArb: fc.Arbitrary<Omit<BasketLineInput, 'line_id'>> = fc
  .record({ code: codeArb, quantity: fc.integer({ min: 1, max: 5 }), ret: fc.integer({ min: 0, max: 9 }) })
  .map(({ code, quantity, ret }) => ({
    ...code,
    ...(code.weight_g === undefined && { quantity }),
    ...(ret === 0 && { is_return_item: true }),
  }));

type Step =
  | { kind: 'add'; line: Omit<BasketLineInput, 'line_id'> }
  | { kind: 'remove'; at: number }
  | { kind: 'quantity'; at: number; quantity: number }
  | { kind: 'fields'; discount: number; tax: number }
  | { kind: 'store'; to: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: lineArb.map((line) => ({ kind: 'add' as const, line })) },
  { weight: 2, arbitrary: fc.nat(40).map((at) => ({ kind: 'remove' as const, at })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ at: fc.nat(40), quantity: fc.integer({ min: 1, max: 6 }) })
      .map((s) => ({ kind: 'quantity' as const, ...s })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ discount: fc.integer({ min: 0, max: 3 }), tax: fc.integer({ min: 0, max: 4 }) })
      .map((s) => ({ kind: 'fields' as const, ...s })),
  },
  { weight: 1, arbitrary: fc.nat(STORES.length - 1).map((to) => ({ kind: 'store' as const, to })) },
);

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

/** Runs a random sequence of changes, calling `check(prev, next, expectedJson)` after each priced one. */
async function runSequence(
  steps: Step[],
  check: (prev: PricingState, next: PricingState, expected: string) => void,
): Promise<void> {
  // Async with a yield per run: a long synchronous property would block vitest's worker.
  await new Promise((r) => setImmediate(r));
  let store = STORES[0]!;
  let head: Omit<BasketInput, 'lines'> = { basket_id: 'b-1', evaluation_time: '2025-06-02T10:00:00Z' };
  let lines: BasketLineInput[] = [];
  let state = startPricing({ ...head, lines }, store);
  let seq = 0;
  for (const step of steps) {
    let change: BasketChange | BasketChange[] = [];
    let nextLines = lines;
    let fields: Partial<BasketInput> = {};
    if (step.kind === 'add') {
      const line = { ...step.line, line_id: `L${++seq}` } as BasketLineInput;
      change = { op: 'add', line };
      nextLines = [...lines, line];
    } else if (step.kind === 'store') {
      store = STORES[step.to]!;
    } else if (step.kind === 'fields') {
      fields = {
        basket_discounts:
          step.discount === 0
            ? [{ id: 'D1', label: 'staff', amount: '1.50' }]
            : step.discount === 1
              ? [{ id: 'D2', percent_off: '10' }]
              : [],
        tax_mode_override:
          step.tax === 0 ? { apply_tax: false } : step.tax === 1 ? { exemption_program_id: 'DIPLO' } : null,
      };
    } else if (lines.length > 0) {
      const target = lines[step.at % lines.length]!;
      if (step.kind === 'remove') {
        change = { op: 'remove', line_id: target.line_id };
        nextLines = lines.filter((l) => l !== target);
      } else {
        change = { op: 'quantity', line_id: target.line_id, quantity: step.quantity };
        nextLines = lines.map((l) => (l === target ? { ...l, quantity: step.quantity } : l));
      }
    }
    const nextHead = { ...head, ...fields };
    const expected = full({ ...nextHead, lines: nextLines }, store);
    const got = attempt(() => repriceBasket(state, change, store, fields));
    if (typeof got === 'string') {
      expect(got).toBe(expected);
      continue;
    }
    check(state, got, expected);
    state = got;
    lines = nextLines;
    head = nextHead;
  }
}

const RUNS = Number(process.env.FC_RUNS ?? 100);

describe('priced JSON by parts', () => {
  it('head + line texts joins to the canonical JSON, and changedLines turns the previous rows into the new ones', async () => {
    // The hub's rows for the basket: line id → stored text, kept up to date from changedLines only.
    let rows = new Map<string, string>();
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 30 }), async (steps) => {
        rows = new Map();
        let first = true;
        await runSequence(steps, (prev, next, expected) => {
          if (first) {
            // The empty starting basket was stored in full.
            for (const l of prev.priced.lines) rows.set(l.line_id, prev.lineJson(l));
            first = false;
          }
          const texts = next.priced.lines.map((l) => next.lineJson(l));
          expect(joinPricedJson(next.headJson(), texts)).toBe(expected);
          expect(next.json()).toBe(expected);

          const { changed, removed } = next.changedLines(prev);
          for (const id of removed) {
            expect(rows.has(id)).toBe(true);
            rows.delete(id);
          }
          const byId = new Map(next.priced.lines.map((l) => [l.line_id, l]));
          for (const id of changed) {
            // Nothing is reported that did not change.
            expect(rows.get(id)).not.toBe(next.lineJson(byId.get(id)!));
            rows.set(id, next.lineJson(byId.get(id)!));
          }
          // Changed ids come in basket order, each once.
          const order = next.priced.lines.map((l) => l.line_id);
          expect(changed).toEqual(order.filter((id) => changed.includes(id)));
          const stored = order.map((id) => rows.get(id)!);
          expect(rows.size).toBe(order.length);
          expect(joinPricedJson(next.headJson(), stored)).toBe(expected);

          // From nothing (a hub that lost its state): every line, nothing removed.
          expect(next.changedLines(null)).toEqual({ changed: order, removed: [] });
        });
      }),
      { numRuns: RUNS },
    );
  }, 180_000);

  it('reports only the line that changed when the others are kept, and none after a same-data store swap', () => {
    const lines: BasketLineInput[] = [
      { line_id: 'a', scanned_code: '1000000000047' },
      { line_id: 'b', scanned_code: '1000000000054' },
      { line_id: 'c', scanned_code: '1000000000061' },
    ];
    const s0 = startPricing({ basket_id: 'b', evaluation_time: '2025-06-02T10:00:00Z', lines }, PLAIN[0]!);
    const s1 = repriceBasket(s0, { op: 'quantity', line_id: 'b', quantity: 2 }, PLAIN[0]!);
    expect(s1.changedLines(s0)).toEqual({ changed: ['b'], removed: [] });
    const s2 = repriceBasket(s1, { op: 'remove', line_id: 'a' }, PLAIN[0]!);
    expect(s2.changedLines(s1)).toEqual({ changed: [], removed: ['a'] });
    // The same data under a new StoreData object: every line is re-made, no text differs.
    const s3 = repriceBasket(s2, [], PLAIN[1]!);
    expect(s3.priced.lines[0]).not.toBe(s2.priced.lines[0]);
    expect(s3.changedLines(s2)).toEqual({ changed: [], removed: [] });
    // Another rounding and inclusive/exclusive: every line's tax differs.
    const s4 = repriceBasket(s3, [], PLAIN[2]!);
    expect(s4.changedLines(s3)).toEqual({ changed: ['b', 'c'], removed: [] });
  });

  it('refuses a head without the lines key', () => {
    expect(() => joinPricedJson('{"basket_id":"x"}', [])).toThrow(TypeError);
    expect(joinPricedJson('{"a":1,"lines":[],"b":2}', ['{"x":1}', '{"y":2}'])).toBe(
      '{"a":1,"lines":[{"x":1},{"y":2}],"b":2}',
    );
  });
});
