/**
 * Issue 8 §3: the hub keeps each basket's priced state in memory and answers line changes
 * with deltas. For random sequences of adds, removals and quantity changes (some refused, so
 * their transactions roll back), this checks after every step that
 *  - the stored priced JSON is byte for byte what full pricing of the stored lines gives
 *    (promo-core's priceBasket + pricedBasketToJson, same evaluation time),
 *  - the basket the hub answers with (from its in-memory state) is that same JSON,
 *  - a client that applies the delta answers (applyBasketDelta) holds exactly that basket,
 * also across a "restart" (the in-memory states forgotten: the next change prices in full and
 * its delta is found from the stored JSON).
 */
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import { applyBasketDelta } from '../src/client/basket-delta';
import { buildServices } from '../src/main';
import { importDoc } from '../src/modules/catalog/import';
import { price, pricedJsonText } from '../src/modules/catalog/pricing';
import type { BasketLineInput } from '../src/modules/catalog/pricing';
import type { Basket } from '../src/modules/baskets/schemas';
import type { PairedClient } from '../src/modules/clients/repo';
import type { Db } from '../src/platform/db/database';
import { openDatabase } from '../src/platform/db/database';
import { HubError } from '../src/platform/errors';
import type { Services } from '../src/services';
import { removeTempDirs, tempDataDir } from './harness';

let db: Db;
let services: Services;
let terminal: { close(): void };
let device: PairedClient;
let codes: string[];

beforeAll(async () => {
  const dir = tempDataDir();
  db = openDatabase(dir);
  const doc = generateDemoStore() as unknown as {
    items: { product_identifier: string; requires_approval?: boolean; unit_of_measure?: string }[];
  };
  await importDoc(db, doc as unknown as Record<string, unknown[]>);
  const built = buildServices(db, pino({ level: 'silent' }), { dataDir: dir });
  services = built.services;
  terminal = built.terminal;
  const { pairing } = services;
  const { device_id } = pairing.pair({
    code: pairing.createCode().code,
    name: 'P',
    retailer_device_id: 'P1',
    kind: 'self_checkout',
    platform: 'android_kiosk',
    lane_device_id: null,
    replace: false,
  });
  device = pairing.repo.get(device_id)!;
  // The first counted items share category promotions (3 for 2 …), so one scan re-prices
  // other lines; the unknown code is refused and rolls its transaction back.
  codes = [
    ...doc.items
      .filter((i) => !i.requires_approval && (i.unit_of_measure ?? 'each') === 'each')
      .slice(0, 12)
      .map((i) => i.product_identifier),
    '5000000999993',
  ];
}, 60_000);

afterAll(() => {
  terminal.close();
  db.close();
  removeTempDirs();
});

type Op =
  | { kind: 'add'; code: number; quantity: number; delta: boolean }
  | { kind: 'change'; line: number; quantity: number; delta: boolean }
  | { kind: 'remove'; line: number; delta: boolean }
  /** The hub forgets its in-memory states, as after a restart: the next change prices in full. */
  | { kind: 'restart' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
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
      quantity: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(1000)),
      delta: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('remove' as const), line: fc.nat(30), delta: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

function fullPricingText(basketId: string): string {
  // Rebuilt from the tables (the priced state is stored by parts, migration 0007).
  const stored = services.baskets.repo.pricedJson(basketId)!.priced;
  const at = (JSON.parse(stored) as { evaluation_time: string }).evaluation_time;
  const lines = services.baskets.repo.lines(basketId) as BasketLineInput[];
  const input = { ...services.baskets.basketInput(basketId, lines), evaluation_time: at };
  expect(stored).toBe(pricedJsonText(price(input, services.store.storeData())));
  return stored;
}

describe('in-memory priced basket state and deltas', () => {
  it('equal full pricing byte for byte after every add, removal and quantity change', async () => {
    await fc.assert(
      // Async with a yield per run: a long synchronous property would block vitest's worker.
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
        await new Promise((r) => setImmediate(r));
        const b = services.baskets.createBasket(device, null);
        let client: Basket = b;
        for (const op of ops) {
          const lineIds = (client.priced.lines ?? []).map((l) => l.line_id);
          try {
            if (op.kind === 'restart') {
              (services.baskets as unknown as { states: Map<string, unknown> }).states.clear();
            } else if (op.kind === 'add') {
              const req = { code: codes[op.code % codes.length]!, quantity: op.quantity };
              if (op.delta) {
                const d = services.baskets.addLineDelta(device, b.basket_id, req);
                client = applyBasketDelta(client, d)!;
              } else client = services.baskets.addLine(device, b.basket_id, req).basket;
            } else {
              if (lineIds.length === 0) continue;
              const lineId = lineIds[op.line % lineIds.length]!;
              if (op.kind === 'change') {
                const req = { quantity: op.quantity };
                client = op.delta
                  ? applyBasketDelta(
                      client,
                      services.baskets.changeLineDelta(device, b.basket_id, lineId, req),
                    )!
                  : services.baskets.changeLine(device, b.basket_id, lineId, req);
              } else {
                client = op.delta
                  ? applyBasketDelta(
                      client,
                      services.baskets.removeLineDelta(device, b.basket_id, lineId, undefined),
                    )!
                  : services.baskets.removeLine(device, b.basket_id, lineId, undefined);
              }
            }
          } catch (err) {
            // Refused (unknown code, quantity limit…): nothing may have changed.
            if (!(err instanceof HubError)) throw err;
          }
          expect(client).not.toBeNull();
          const text = fullPricingText(b.basket_id);
          const served = services.baskets.view(b.basket_id);
          expect(JSON.stringify(served.priced)).toBe(text);
          expect(served.version).toBe(client.version);
          expect(JSON.stringify(client)).toBe(JSON.stringify(served));
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('forgets a priced state whose transaction rolled back', () => {
    const b = services.baskets.createBasket(device, null);
    const kept = services.baskets.addLine(device, b.basket_id, { code: codes[0]!, quantity: 1 }).basket;
    expect(() =>
      services.tx.run(() => {
        services.baskets.addLine(device, b.basket_id, { code: codes[1]!, quantity: 1 });
        throw new Error('the surrounding transaction fails after the pricing');
      }),
    ).toThrow('surrounding');
    const now = services.baskets.view(b.basket_id);
    expect(now.version).toBe(kept.version);
    expect(JSON.stringify(now)).toBe(JSON.stringify(kept));
    expect(JSON.stringify(now.priced)).toBe(fullPricingText(b.basket_id));
  });

  it('refuses a delta that does not follow on from the version the client holds', () => {
    const b = services.baskets.createBasket(device, null);
    const d1 = services.baskets.addLineDelta(device, b.basket_id, { code: codes[0]!, quantity: 1 });
    const d2 = services.baskets.addLineDelta(device, b.basket_id, { code: codes[1]!, quantity: 1 });
    expect(d2.base_version).toBe(d1.version);
    // Missed d1: applying d2 to the first basket would lose a line, so the client must re-fetch.
    expect(applyBasketDelta(b, d2)).toBeNull();
    const after = applyBasketDelta(applyBasketDelta(b, d1)!, d2)!;
    expect(JSON.stringify(after)).toBe(JSON.stringify(services.baskets.view(b.basket_id)));
  });
});
