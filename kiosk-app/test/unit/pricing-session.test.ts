/**
 * The kiosk's pricing session (src/pricing/session.ts) works out what changed between two line
 * lists and prices only that with promo-core's incremental pricing. Whatever the shopper does,
 * its answer must be full priceBasket's, byte for byte: that is what the hub computes and what
 * the kiosk compares with.
 */
import type { BasketLineInput, StoreData } from '@kassa/promo-core';
import { priceBasket, pricedBasketToJson } from '@kassa/promo-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoStore } from '../../../scripts/demo-data/generate';
import { buildLocalStore } from '../../src/pricing/store-data';
import { suggestionsFor, suggestionsOf } from '../../src/pricing/local';
import { diffLines, PricingSession } from '../../src/pricing/session';
import type { BasketHead } from '../../src/pricing/session';

let store: StoreData;
let otherStore: StoreData;
let codes: string[];

function ean13(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return body12 + String((10 - (sum % 10)) % 10);
}

beforeAll(() => {
  // The demo store: every promotion family, weighed produce, two tax codes, age-restricted items.
  const doc = generateDemoStore({ items: 3000, seed: 7 }) as unknown as {
    store_config: Record<string, unknown>;
    tax_table: Record<string, unknown>[];
    categories: Record<string, unknown>[];
    items: Record<string, unknown>[];
    promotions: Record<string, unknown>[];
  };
  const ref = {
    config: doc.store_config,
    items: doc.items,
    categories: doc.categories,
    promotions: doc.promotions,
    tax_rows: doc.tax_table,
    maxStamp: 1,
  };
  store = buildLocalStore(ref).data;
  otherStore = buildLocalStore({ ...ref, maxStamp: 2 }).data;
  // A few items of every category, so repeated adds and quantities meet the multi-buys, mix and
  // match, thresholds and basket promotions (random picks from 3,000 items rarely would).
  const perCategory = new Map<string, string[]>();
  for (const i of doc.items) {
    const c = (i.category_ids as string[] | undefined)?.[0] ?? '';
    const list = perCategory.get(c) ?? [];
    if (list.length < 3) list.push(i.product_identifier as string);
    perCategory.set(c, list);
  }
  const counted = [...perCategory.values()].flat();
  // Weighed labels (prefix 28, item 10001–10004, 3–4-digit grams), codes the store does not know,
  // a bad check digit: refusals are part of the basket too.
  codes = [
    ...counted,
    ean13('281000100750'),
    ean13('281000200125'),
    ean13('281000301500'),
    ean13('590000000000'),
    '5000000000000',
  ];
});

type Step =
  | { kind: 'add'; code: number; weight: number | null; snapshot: boolean }
  | { kind: 'remove'; at: number }
  | { kind: 'qty'; at: number; qty: number }
  | { kind: 'snapshot'; at: number; price: number }
  | { kind: 'time'; minutes: number }
  | { kind: 'basket' }
  | { kind: 'store' }
  | { kind: 'shuffle'; seed: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      code: fc.nat(),
      weight: fc.option(fc.integer({ min: 1, max: 5000 }), { freq: 5 }),
      snapshot: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('qty' as const),
      at: fc.nat(),
      qty: fc.integer({ min: 1, max: 1200 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('snapshot' as const),
      at: fc.nat(),
      price: fc.integer({ min: 1, max: 9999 }),
    }),
  },
  // Minutes to years ahead: happy hours, active days, promotion end dates, another local day.
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('time' as const),
      minutes: fc.integer({ min: 1, max: 2_000_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'basket' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'store' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shuffle' as const), seed: fc.nat() }) },
);

const money = (pence: number) => `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;

describe('the kiosk pricing session', () => {
  it('prices every sequence of shopper changes exactly as a full priceBasket does', () => {
    let promoted = 0;
    let hinted = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const session = new PricingSession();
        let lines: BasketLineInput[] = [];
        let seq = 0;
        let t = Date.parse('2026-06-01T08:00:00Z');
        let head: BasketHead = {
          basket_id: 'b-1',
          evaluation_time: new Date(t).toISOString(),
          channel: 'self_checkout',
        };
        let data = store;
        for (const s of steps) {
          const at = (n: number) => (lines.length ? n % lines.length : -1);
          if (s.kind === 'add') {
            const code = codes[s.code % codes.length]!;
            lines = [
              ...lines,
              {
                line_id: `l${++seq}`,
                scanned_code: code,
                quantity: 1,
                ...(s.weight !== null ? { weight_g: s.weight } : {}),
                ...(s.snapshot ? { price_snapshot: { base_price: '1.00', selling_price: '0.90' } } : {}),
              },
            ];
          } else if (s.kind === 'remove' && lines.length) {
            const i = at(s.at);
            lines = lines.filter((_, j) => j !== i);
          } else if (s.kind === 'qty' && lines.length) {
            const i = at(s.at);
            lines = lines.map((l, j) => (j === i ? { ...l, quantity: s.qty } : l));
          } else if (s.kind === 'snapshot' && lines.length) {
            const i = at(s.at);
            const p = money(s.price);
            lines = lines.map((l, j) =>
              j === i ? { ...l, price_snapshot: { base_price: p, selling_price: p } } : l,
            );
          } else if (s.kind === 'time') {
            t += s.minutes * 60_000;
            head = { ...head, evaluation_time: new Date(t).toISOString() };
          } else if (s.kind === 'basket') head = { ...head, basket_id: `b-${++seq}` };
          else if (s.kind === 'store') data = data === store ? otherStore : store;
          else if (s.kind === 'shuffle' && lines.length > 1) {
            const i = s.seed % lines.length;
            lines = [...lines.slice(i), ...lines.slice(0, i)];
          }
          const full = pricedBasketToJson(priceBasket({ ...head, lines }, data));
          const mine = session.price(head, lines, data);
          expect(mine.json).toBe(full);
          expect(mine.priced).toEqual(JSON.parse(full));
          if (mine.priced.promotions.length > 0) promoted++;
          // The hints taken from the pricing's own engine run are the ones a second run gives.
          const hints = suggestionsOf(mine.state, data);
          expect(hints).toEqual(suggestionsFor(mine.priced, data));
          if (hints.length > 0) hinted++;
        }
      }),
      { numRuns: 80 },
    );
    // The sequences did reach promotions (not only plain lines).
    expect(promoted).toBeGreaterThan(50);
    expect(hinted).toBeGreaterThan(20);
  }, 120_000);

  it('keeps the screen objects of lines the change did not touch', () => {
    const session = new PricingSession();
    const head: BasketHead = {
      basket_id: 'b',
      evaluation_time: '2026-06-01T08:00:00Z',
      channel: 'self_checkout',
    };
    // Four items that together meet no promotion: adding the fourth changes no other line.
    const plain: string[] = [];
    for (const c of codes) {
      if (plain.length === 4) break;
      const lines = [...plain, c].map((x, i) => ({ line_id: `p${i}`, scanned_code: x }));
      const p = priceBasket({ ...head, lines }, store);
      if (p.refusals.length === 0 && p.promotions.length === 0) plain.push(c);
    }
    expect(plain).toHaveLength(4);
    const lines = plain.slice(0, 3).map((c, i) => ({ line_id: `l${i}`, scanned_code: c, quantity: 1 }));
    const a = session.price(head, lines, store).priced;
    const b = session.price(
      head,
      [...lines, { line_id: 'l9', scanned_code: plain[3]!, quantity: 1 }],
      store,
    ).priced;
    expect(b.lines.slice(0, 3).every((l, i) => l === a.lines[i])).toBe(true);
    expect(b.lines[3]).not.toBe(a.lines[2]);
  });
});

describe('diffLines', () => {
  const l = (id: string, quantity = 1, code = 'c' + id): BasketLineInput => ({
    line_id: id,
    scanned_code: code,
    quantity,
  });

  it('names removals, quantity changes, replacements and appends', () => {
    expect(diffLines([l('a'), l('b'), l('c')], [l('a', 3), l('c', 1, 'x'), l('d')])).toEqual([
      { op: 'remove', line_id: 'b' },
      { op: 'quantity', line_id: 'a', quantity: 3 },
      { op: 'replace', line: l('c', 1, 'x') },
      { op: 'add', line: l('d') },
    ]);
    expect(diffLines([l('a')], [l('a')])).toEqual([]);
  });

  it('gives up on a reorder or a duplicate id (a full pricing follows)', () => {
    expect(diffLines([l('a'), l('b')], [l('b'), l('a')])).toBeNull();
    expect(diffLines([], [l('a'), l('a')])).toBeNull();
  });
});
