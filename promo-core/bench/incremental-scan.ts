/**
 * A scan's pricing cost at the 5th and at the 60th line (issue 8 §3: the 60th within 1.5× of
 * the 5th), the way store-hub prices a scan: `repriceBasket` of one `add` on the basket's
 * state, with the basket's own fields (basket_id, a new evaluation_time, channel) as the hub's
 * priceChange passes them, then the JSON the hub writes (the head and the lines that changed).
 *
 * Store: `generateDemoStore()` (3,000 items, ~40 promotions incl. "spend £30 save 5 %" over
 * ALL), built into StoreData as the hub builds it. Baskets: 60 distinct counted items each,
 * scanned with a price snapshot (as the hub adds a line), seeded, so every run benches the
 * same baskets. Timing: median over baskets of the add that makes the 5th and the 60th line,
 * after warm-up baskets; allocation: V8 used-heap before/after that one call, median over
 * the calls during which no collection ran (see stats.ts measureWithAllocation).
 *
 *   npx tsx promo-core/bench/incremental-scan.ts [--baskets 150] [--before <root>]
 *
 * `--before <root>`: a tree with promo-core/ of an older commit (e.g. `git worktree add
 * --detach /tmp/p-before <commit>`, with node_modules linked into it); both run interleaved in
 * this process, under the same load, and their JSON is checked equal.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import * as current from '../src';
import type { BasketLineInput, PricingState, StoreData } from '../src';
import { kb, ms, seededRandom } from './stats';

const { values } = parseArgs({
  options: {
    baskets: { type: 'string', default: '150' },
    warmup: { type: 'string', default: '25' },
    before: { type: 'string' },
  },
});
const BASKETS = Number(values.baskets);
const WARMUP = Number(values.warmup);
const LINES = 60;
const MARKS = [5, 60] as const;

type Api = typeof current;
type Wire = Record<string, unknown>;
const demo = generateDemoStore() as {
  store_config: Wire & { tax: unknown; barcodes: unknown; timezone: string; store_id: string };
  tax_table: Wire[];
  categories: Wire[];
  items: Wire[];
  promotions: Wire[];
};

/** StoreData as store-hub's buildStoreDataFrom makes it (exponent 2, currency GBP). */
function storeData(api: Api): StoreData {
  const items: current.Item[] = [];
  demo.items.forEach((doc, i) => {
    const r = api.parseItem(doc, 2, i);
    if (r.ok) items.push(r.item);
  });
  const cfg = demo.store_config;
  return {
    store_id: cfg.store_id,
    timezone: cfg.timezone,
    currency_exponent: 2,
    catalog: api.CatalogIndex.fromItems(items, { exponent: 2, categories: demo.categories as never }),
    promotions: api.createPromotionSet(demo.promotions, 2),
    tax: { config: api.parseStoreTaxConfig(cfg.tax), table: api.parseTaxTable(demo.tax_table) },
    barcodes: api.barcodeConfigSchema.parse({
      currency: 'GBP',
      ...(cfg.barcodes as Wire),
    }) as current.BarcodeConfig,
    allow_negative_basket: false,
    data_version: 'hub:1',
  };
}

const counted = demo.items.filter((i) => (i.unit_of_measure ?? 'each') === 'each');

/** Seeded baskets of LINES distinct counted items, each line as the hub stores a scan. */
function basketLines(seed: number): BasketLineInput[] {
  const rand = seededRandom(seed);
  const picked = new Set<number>();
  while (picked.size < LINES) picked.add(Math.floor(rand() * counted.length));
  return [...picked].map((k, n) => {
    const it = counted[k]!;
    const base = String(it.base_price);
    return {
      line_id: `b${seed}-l${n}`,
      scanned_code: String(it.product_identifier),
      quantity: 1,
      price_snapshot: { base_price: base, selling_price: String(it.selling_price ?? base) },
    };
  });
}

interface Variant {
  name: string;
  api: Api;
  store: StoreData;
  times: Map<number, number[]>;
  /** Process CPU time of the call (ms): what the call cost when the machine is shared. */
  cpu: Map<number, number[]>;
  bytes: Map<number, number[]>;
  withGc: Map<number, number>;
  json: string[];
}

const T0 = Date.parse('2026-06-02T10:00:00Z');

/** One basket scanned line by line; records the marked adds when `record`. */
function scanBasket(v: Variant, seed: number, record: boolean): void {
  const lines = basketLines(seed);
  const basketId = `basket-${seed}`;
  const fields = (k: number) => ({
    basket_id: basketId,
    evaluation_time: new Date(T0 + seed * 600_000 + k * 4000).toISOString(),
    channel: 'self_checkout' as const,
  });
  let state: PricingState = v.api.startPricing({ ...fields(0), lines: [] }, v.store);
  for (let k = 1; k <= LINES; k++) {
    const line = lines[k - 1]!;
    const mark = record && (MARKS as readonly number[]).includes(k);
    const heap0 = mark ? getHeapStatistics().used_heap_size : 0;
    const cpu0 = mark ? process.cpuUsage() : null;
    const t0 = performance.now();
    const next = v.api.repriceBasket(state, [{ op: 'add', line }], v.store, fields(k));
    // What the hub writes after pricing a scan: the head and the lines that changed.
    next.headJson();
    const byId = new Map(next.priced.lines.map((l) => [l.line_id, l]));
    for (const id of next.changedLines(state).changed) next.lineJson(byId.get(id)!);
    const t = performance.now() - t0;
    if (mark) {
      const cpu = process.cpuUsage(cpu0!);
      v.cpu.get(k)!.push((cpu.user + cpu.system) / 1000);
      const delta = getHeapStatistics().used_heap_size - heap0;
      v.times.get(k)!.push(t);
      if (delta < 0) v.withGc.set(k, v.withGc.get(k)! + 1);
      else v.bytes.get(k)!.push(delta);
    }
    if (next.priced.refusals.length > 0) throw new Error(`refusal in basket ${seed} at line ${k}`);
    state = next;
  }
  if (record) {
    const full = v.api.pricedBasketToJson(v.api.priceBasket({ ...fields(LINES), lines: lines }, v.store));
    if (state.json() !== full) throw new Error(`${v.name}: incremental ≠ full priceBasket, basket ${seed}`);
    v.json[seed] = full;
  }
}

function variant(name: string, api: Api): Variant {
  return {
    name,
    api,
    store: storeData(api),
    times: new Map(MARKS.map((m) => [m, []])),
    cpu: new Map(MARKS.map((m) => [m, []])),
    bytes: new Map(MARKS.map((m) => [m, []])),
    withGc: new Map(MARKS.map((m) => [m, 0])),
    json: [],
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

const variants: Variant[] = [];
if (values.before) {
  const before = (await import(join(values.before, 'promo-core/src/index.ts'))) as Api;
  variants.push(variant('before', before));
}
variants.push(variant(values.before ? 'after' : 'current', current));

for (let b = 0; b < WARMUP; b++) for (const v of variants) scanBasket(v, 100_000 + b, false);
for (let b = 0; b < BASKETS; b++) {
  // Alternate which variant goes first, so neither always runs on the other's garbage.
  const order = b % 2 === 0 ? variants : [...variants].reverse();
  for (const v of order) scanBasket(v, b, true);
}

if (variants.length === 2) {
  const [a, c] = variants as [Variant, Variant];
  const same = a.json.every((j, i) => j === c.json[i]);
  console.log(`before and after give the same JSON for all ${BASKETS} baskets: ${same}`);
  if (!same) process.exitCode = 1;
}
const pct = (n: number) => `${Math.round((n / BASKETS) * 100)} %`;
console.log(
  `demo store: ${demo.items.length} items, ${demo.promotions.length} promotions; ${BASKETS} baskets of ${LINES} lines (+${WARMUP} warm-up), one add = repriceBasket + headJson + changed lines' JSON`,
);
for (const v of variants) {
  const [m5, m60] = MARKS.map((m) => median(v.times.get(m)!));
  const [c5, c60] = MARKS.map((m) => median(v.cpu.get(m)!));
  const [b5, b60] = MARKS.map((m) => median(v.bytes.get(m)!));
  console.log(
    `${v.name.padEnd(8)} 5th line ${ms(m5!)} (${kb(b5!)}, GC in ${pct(v.withGc.get(5)!)})  ` +
      `60th line ${ms(m60!)} (${kb(b60!)}, GC in ${pct(v.withGc.get(60)!)})  ratio ${(m60! / m5!).toFixed(2)}×  ` +
      `| CPU time: ${ms(c5!)} / ${ms(c60!)}, ${(c60! / c5!).toFixed(2)}×`,
  );
}
