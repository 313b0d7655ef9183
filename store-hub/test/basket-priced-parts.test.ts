/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Issue 8 §3: a basket's priced state is stored by parts (migration 0007) — a head row and one
 * row per priced line — and a scan writes the head plus only the lines whose pricing changed.
 * Against the real hub process, on the demo store (its category promotions re-price other
 * lines on a scan; a staff discount or tax exemption re-prices all of them), for random
 * sequences of kiosk adds, quantity changes and removals (delta and whole-basket endpoints,
 * some refused), staff discounts and tax-mode changes, and SIGKILLs of the hub between steps,
 * after every step:
 *  - the stored JSON (rebuilt from the tables) is byte for byte full pricing of the stored lines
 *    (promo-core's priceBasket, same evaluation time, same staff adjustments), and GET's basket
 *    is that JSON and equals the last answer the kiosk was given (after a restart too);
 *  - the rows written in basket_priced_lines (counted by triggers in the database, not by the
 *    hub) are exactly the new lines, the lines whose JSON changed and the removed lines, and the
 *    head is written once per pricing (nothing on a refusal or a read).
 * Also: a basket stored whole before 0007 reads back as it was and moves to parts on its next
 * pricing.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import { applyBasketDelta } from '../src/client/basket-delta';
import { EXTENSIONS } from '../src/extensions';
import { BasketRepo } from '../src/modules/baskets/repo';
import type { Basket, BasketDelta } from '../src/modules/baskets/schemas';
import type { BasketLineInput, StoreData } from '../src/modules/catalog/pricing';
import { price, pricedJsonText } from '../src/modules/catalog/pricing';
import { StoreDataCache } from '../src/modules/catalog/store-data';
import { DB_FILE, migrate } from '../src/platform/db/database';
import { MIGRATIONS } from '../src/platform/db/migrations';
import type { RunningHub } from './harness';
import {
  Client,
  importFile,
  pairKiosk,
  removeTempDirs,
  staffClient,
  startHubProcess,
  tempDataDir,
} from './harness';

let dir: string;
let hub: RunningHub;
let kiosk: Client;
let staff: Client;
/** The test's own connection to the hub's database file (WAL: it reads what the hub committed). */
let db: Database.Database;
let repo: BasketRepo;
let store: StoreData;
let codes: string[];

beforeAll(async () => {
  dir = tempDataDir();
  const doc = generateDemoStore({ items: 600, seed: 7 }) as unknown as {
    items: { product_identifier: string; requires_approval?: boolean; unit_of_measure?: string }[];
  };
  const file = path.join(dir, 'demo-store.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const imported = importFile(dir, file);
  expect(imported.code, imported.out).toBe(0);
  db = new Database(path.join(dir, DB_FILE));
  db.pragma('busy_timeout = 5000');
  // Counters the hub cannot see or skip: every row written to the priced-line table, and every
  // write of a basket's priced head.
  db.exec(`
    CREATE TABLE test_writes (what TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT;
    INSERT INTO test_writes VALUES ('line', 0), ('head', 0);
    CREATE TRIGGER test_line_ins AFTER INSERT ON basket_priced_lines
      BEGIN UPDATE test_writes SET n = n + 1 WHERE what = 'line'; END;
    CREATE TRIGGER test_line_upd AFTER UPDATE ON basket_priced_lines
      BEGIN UPDATE test_writes SET n = n + 1 WHERE what = 'line'; END;
    CREATE TRIGGER test_line_del AFTER DELETE ON basket_priced_lines
      BEGIN UPDATE test_writes SET n = n + 1 WHERE what = 'line'; END;
    CREATE TRIGGER test_head AFTER UPDATE OF priced_head ON baskets
      BEGIN UPDATE test_writes SET n = n + 1 WHERE what = 'head'; END;
  `);
  repo = new BasketRepo(db);
  store = new StoreDataCache(db).storeData();
  // Counted items first (they share category promotions: 3 for 2 …), then a code the store
  // does not know (refused: its transaction rolls back).
  codes = [
    ...doc.items
      .filter((i) => !i.requires_approval && (i.unit_of_measure ?? 'each') === 'each')
      .slice(0, 12)
      .map((i) => i.product_identifier),
    '5000000999993',
  ];
  hub = await startHubProcess(dir);
  kiosk = (await pairKiosk(hub.url, hub.pairingCode, 'K1')).client;
  staff = await staffClient(hub.url);
}, 120_000);

afterAll(async () => {
  await hub?.stop();
  db?.close();
  removeTempDirs();
});

/** Kills the hub without warning (no shutdown work) and starts it again on the same data. */
async function crashAndRestart(): Promise<void> {
  await hub.stop('SIGKILL');
  hub = await startHubProcess(dir);
  kiosk = new Client(hub.url, kiosk.token);
  staff = await staffClient(hub.url);
}

const writes = (): { line: number; head: number } => {
  const rows = db.prepare(`SELECT what, n FROM test_writes`).all() as { what: string; n: number }[];
  return {
    line: rows.find((r) => r.what === 'line')!.n,
    head: rows.find((r) => r.what === 'head')!.n,
  };
};

/** The priced lines' rows as stored: line id → JSON text, in position order. */
const storedLines = (basketId: string): Map<string, string> =>
  new Map(repo.pricedParts(basketId).map((p) => [p.line_id, p.json]));

/** Full pricing of the stored lines, as the hub's basket input has them, at `evaluationTime`. */
function fullPricingText(basketId: string, evaluationTime: string): string {
  const lines = (
    db.prepare(`SELECT input FROM basket_lines WHERE basket_id = ? ORDER BY seq`).all(basketId) as {
      input: string;
    }[]
  ).map((r) => JSON.parse(r.input) as BasketLineInput);
  let adjustments = {};
  for (const x of EXTENSIONS)
    adjustments = { ...adjustments, ...(x.basketAdjustments?.(db, basketId) ?? {}) };
  const input = {
    ...adjustments,
    basket_id: basketId,
    evaluation_time: evaluationTime,
    channel: 'self_checkout' as const,
    lines,
  };
  return pricedJsonText(price(input, store));
}

/** GET's basket; checks it is the stored JSON and that the stored JSON is full pricing. */
async function readBack(basketId: string): Promise<Basket> {
  const got = await kiosk.req('GET', `/v1/baskets/${basketId}`);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  const basket = got.body.data as Basket;
  const stored = repo.pricedJson(basketId)!;
  expect(stored.version).toBe(basket.version);
  expect(JSON.stringify(basket.priced)).toBe(stored.priced);
  const at = (JSON.parse(stored.priced) as { evaluation_time: string }).evaluation_time;
  expect(stored.priced).toBe(fullPricingText(basketId, at));
  return basket;
}

/** Rows a write from `before` to `after` must touch: new, changed and removed lines. */
function rowsChanged(before: Map<string, string>, after: Map<string, string>): number {
  let n = 0;
  for (const [id, text] of after) if (before.get(id) !== text) n++;
  for (const id of before.keys()) if (!after.has(id)) n++;
  return n;
}

type Op =
  | { kind: 'add'; code: number; quantity: number; delta: boolean }
  | { kind: 'change'; line: number; quantity: number; delta: boolean }
  | { kind: 'remove'; line: number; delta: boolean }
  | { kind: 'discount'; percent: string }
  | { kind: 'tax'; exempt: boolean }
  | { kind: 'crash' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      code: fc.nat(40),
      quantity: fc.integer({ min: 1, max: 4 }),
      delta: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('change' as const),
      line: fc.nat(30),
      // 1000 is over the store's line quantity limit: refused, nothing written.
      quantity: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(1000)),
      delta: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('remove' as const), line: fc.nat(30), delta: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('discount' as const),
      percent: fc.constantFrom('0', '5', '10', '12.5', '33.33'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tax' as const), exempt: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
);

/** Runs one kiosk or staff change; returns the basket the kiosk now holds (null: refused). */
async function apply(op: Exclude<Op, { kind: 'crash' }>, client: Basket): Promise<Basket | null> {
  const id = client.basket_id;
  const lineIds = (client.priced.lines ?? []).map((l) => l.line_id);
  const fromDelta = (r: { status: number; body: any }): Basket | null => {
    if (r.status >= 400) return null;
    const next = applyBasketDelta(client, r.body.data as BasketDelta);
    expect(next, 'the delta follows on from the basket the kiosk holds').not.toBeNull();
    return next;
  };
  const whole = (r: { status: number; body: any }, pick: (d: any) => Basket): Basket | null =>
    r.status >= 400 ? null : pick(r.body.data);
  switch (op.kind) {
    case 'add': {
      const body = { code: codes[op.code % codes.length]!, quantity: op.quantity };
      return op.delta
        ? fromDelta(await kiosk.req('POST', `/v1/baskets/${id}/delta/lines`, body))
        : whole(await kiosk.req('POST', `/v1/baskets/${id}/lines`, body), (d) => d.basket);
    }
    case 'change':
    case 'remove': {
      if (lineIds.length === 0) return client;
      const lineId = lineIds[op.line % lineIds.length]!;
      const method = op.kind === 'change' ? 'PATCH' : 'DELETE';
      const body = op.kind === 'change' ? { quantity: op.quantity } : undefined;
      return op.delta
        ? fromDelta(await kiosk.req(method, `/v1/baskets/${id}/delta/lines/${lineId}`, body))
        : whole(await kiosk.req(method, `/v1/baskets/${id}/lines/${lineId}`, body), (d) => d);
    }
    case 'discount':
    case 'tax': {
      const [p, body] =
        op.kind === 'discount'
          ? ['staff-discount', { percent_off: op.percent, reason: 'regular customer' }]
          : ['tax-mode', { exempt: op.exempt, reason: 'export sale' }];
      const r = await staff.req('POST', `/v1/console/baskets/${id}/${p}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      // Staff get the console's view; the kiosk would fetch the basket on the version notice.
      return (await kiosk.req('GET', `/v1/baskets/${id}`)).body.data as Basket;
    }
  }
}

describe('basket priced state by parts', () => {
  it('writes the head and only the changed lines, and reads back full pricing byte for byte, across SIGKILLs', async () => {
    const seen = { steps: 0, keptRows: 0, crashes: 0, refused: 0, staff: 0 };
    await fc.assert(
      // Every run ends with a crash, so each run's basket is also read back after a restart.
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
        const created = await kiosk.req('POST', '/v1/baskets', {});
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        let client = created.body.data as Basket;
        const id = client.basket_id;
        for (const op of [...ops, { kind: 'crash' as const }]) {
          const before = storedLines(id);
          const w0 = writes();
          let expectPricing: boolean;
          if (op.kind === 'crash') {
            await crashAndRestart();
            seen.crashes++;
            expectPricing = false;
          } else {
            const next = await apply(op, client);
            if (op.kind === 'discount' || op.kind === 'tax') seen.staff++;
            if (next === null) seen.refused++;
            expectPricing = next !== null && next.version !== client.version;
            client = next ?? client;
          }
          const got = await readBack(id);
          // What the kiosk was last answered is what is stored (after a SIGKILL too).
          expect(JSON.stringify(got)).toBe(JSON.stringify(client));
          const after = storedLines(id);
          expect([...after.keys()]).toEqual((got.priced.lines ?? []).map((l) => l.line_id));
          const w1 = writes();
          expect(w1.head - w0.head).toBe(expectPricing && got.pricing_error === null ? 1 : 0);
          expect(w1.line - w0.line).toBe(rowsChanged(before, after));
          seen.steps++;
          seen.keptRows += [...after].filter(([lid, text]) => before.get(lid) === text).length;
        }
      }),
      { numRuns: 10 },
    );
    // The run exercised what it claims to: unchanged lines left alone, refusals, staff changes.
    expect(seen.crashes).toBeGreaterThanOrEqual(10);
    expect(seen.keptRows).toBeGreaterThan(0);
    expect(seen.refused + seen.staff).toBeGreaterThan(0);
  }, 600_000);

  it('a basket stored whole before migration 0007 reads back as it was and moves to parts on its next pricing', async () => {
    const created = await kiosk.req('POST', '/v1/baskets', {});
    let client = created.body.data as Basket;
    const id = client.basket_id;
    for (const code of codes.slice(0, 3)) {
      const r = await kiosk.req('POST', `/v1/baskets/${id}/delta/lines`, { code, quantity: 2 });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      client = applyBasketDelta(client, r.body.data as BasketDelta)!;
    }
    const whole = repo.pricedJson(id)!.priced;
    await hub.stop('SIGKILL');
    // What a row priced before 0007 looks like after it: the whole JSON, no head, no line rows.
    db.prepare(`UPDATE baskets SET priced = ?, priced_head = NULL WHERE basket_id = ?`).run(whole, id);
    db.prepare(`DELETE FROM basket_priced_lines WHERE basket_id = ?`).run(id);
    await crashAndRestart();
    const w0 = writes();
    const got = (await kiosk.req('GET', `/v1/baskets/${id}`)).body.data as Basket;
    expect(JSON.stringify(got)).toBe(JSON.stringify(client));
    expect(JSON.stringify(got.priced)).toBe(whole);

    const r = await kiosk.req('POST', `/v1/baskets/${id}/delta/lines`, { code: codes[3]!, quantity: 1 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    client = applyBasketDelta(client, r.body.data as BasketDelta)!;
    const now = await readBack(id);
    expect(JSON.stringify(now)).toBe(JSON.stringify(client));
    // Every line is written once into the table; the whole JSON is gone from the row.
    expect(writes().line - w0.line).toBe(4);
    expect(repo.pricedParts(id)).toHaveLength(4);
    const row = db.prepare(`SELECT priced, priced_head FROM baskets WHERE basket_id = ?`).get(id) as {
      priced: string;
      priced_head: string | null;
    };
    expect(row.priced).toBe('{}');
    expect(row.priced_head).toContain('"lines":[]');
  }, 120_000);
});

describe('migration 0007', () => {
  it('keeps a basket priced before it readable byte for byte', () => {
    const file = path.join(tempDataDir(), DB_FILE);
    const old = new Database(file);
    try {
      old.pragma('foreign_keys = ON');
      expect(migrate(old, MIGRATIONS.slice(0, 6))).toBe(6);
      old
        .prepare(
          `INSERT INTO devices(device_id, retailer_device_id, kind, platform, name, token_hash, paired_at) VALUES ('d', 'd', 'self_checkout', 'android_kiosk', 'd', 'x', '2026-01-01')`,
        )
        .run();
      // Not re-serialised on the way: key order, escapes and non-ASCII text stay as they were.
      const priced =
        '{"basket_id":"b","lines":[{"line_id":"l1","item_name":"Käse \\"alt\\""}],"totals":{"total":"1.50"}}';
      old
        .prepare(
          `INSERT INTO baskets(basket_id, device_id, state, version, priced, created_at, updated_at) VALUES ('b', 'd', 'active', 3, ?, '2026-01-01', '2026-01-01')`,
        )
        .run(priced);
      expect(migrate(old)).toBe(MIGRATIONS.length);
      expect(MIGRATIONS[6]!.version).toBe(7);
      expect(new BasketRepo(old).pricedJson('b')).toEqual({ priced, version: 3 });
      expect(new BasketRepo(old).pricedParts('b')).toEqual([]);
    } finally {
      old.close();
    }
  });
});
