/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Weighed PLU items added "by scale": the real hub process reads an MT-SICS scale simulated at
 * the far end of a socat pty pair, and the line's weight is the hub's stable reading, never
 * the kiosk's. Lane K1 has the scale; lane K2 has none.
 */
import { PtyPair, ScaleSimulator } from '@kassa/hardware';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client, RunningHub } from './harness';
import {
  FIXTURE,
  importFile,
  pairKiosk,
  pairingCode,
  removeTempDirs,
  startHubProcess,
  tempDataDir,
} from './harness';

let hub: RunningHub;
let k1: Client;
let k2: Client;
let pty: PtyPair;
let sim: ScaleSimulator;

/** Bananas sold per kg at 2.00, found by their PLU 4011 (a code that carries no weight). */
const BANANAS = '4011';

beforeAll(async () => {
  pty = await new PtyPair().start();
  sim = await new ScaleSimulator(pty.a, { grams: 0 }).open();
  sim.settleTimeoutMs = 300;
  const dir = tempDataDir();
  const store = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  store.store_config = { ...store.store_config, min_weight_g: 5, max_weight_g: 10_000 };
  store.items.push({
    item_id: 'bananas',
    product_identifier: BANANAS,
    retailer_product_id: 'SKU-BANANA',
    item_name: 'Bananas (loose)',
    base_price: '2.00',
    unit_of_measure: 'kg',
    price_per_unit_measure: '2.00',
    tax_code: 'ZERO',
  });
  const storeFile = path.join(dir, 'store.json');
  fs.writeFileSync(storeFile, JSON.stringify(store));
  const imported = importFile(dir, storeFile);
  expect(imported.code, imported.out).toBe(0);
  const hw = path.join(dir, 'devices.json');
  fs.writeFileSync(
    hw,
    JSON.stringify({
      discoveryIntervalMs: 0,
      reconnect: { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 },
      devices: [
        {
          id: 'lane1-scale',
          kind: 'scale',
          transport: 'serial',
          match: { path: pty.b },
          pollIntervalMs: 50,
          answerTimeoutMs: 300,
          stableTimeoutMs: 700,
        },
      ],
      lanes: [{ kiosk: 'K1', scale: 'lane1-scale' }, { kiosk: 'K2' }],
    }),
  );
  hub = await startHubProcess(dir, ['--hardware', hw]);
  ({ client: k1 } = await pairKiosk(hub.url, hub.pairingCode, 'K1'));
  ({ client: k2 } = await pairKiosk(hub.url, pairingCode(dir), 'K2'));
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  await sim?.close();
  await pty?.dispose();
  removeTempDirs();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Until the hub's poll has seen what the simulator now holds. */
async function hubSees(grams: number, status = 'stable'): Promise<any> {
  for (;;) {
    const r = await k1.req('GET', '/v1/lane/scale');
    if (r.body.data.reading?.weight_g === grams && r.body.data.reading?.status === status) return r.body.data;
    await sleep(20);
  }
}

async function newBasket(c: Client): Promise<string> {
  const b = await c.req('POST', '/v1/baskets', {});
  expect(b.status).toBe(201);
  return b.body.data.basket_id;
}

const byScale = (c: Client, basket: string, body: unknown, key?: string) =>
  c.req('POST', `/v1/baskets/${basket}/lines/by-scale`, body, key ? { key } : {});

describe('the lane scale, read by the hub', () => {
  beforeEach(() => sim.set({ grams: 0, stable: true, answers: true, busy: false }));

  it('tells a kiosk whether its lane has a scale, with the live weight', async () => {
    sim.set({ grams: 250, stable: false });
    const moving = await hubSees(250, 'moving');
    expect(moving).toMatchObject({ attached: true, device_id: 'lane1-scale', health: 'online' });
    sim.set({ grams: 250, stable: true });
    await hubSees(250, 'stable');
    const none = await k2.req('GET', '/v1/lane/scale');
    expect(none.body.data).toEqual({ attached: false, device_id: null, health: null, reading: null });
  });

  it('adds a weighed PLU with the weight the hub read, priced per kg', async () => {
    const basket = await newBasket(k1);
    sim.set({ grams: 456, stable: true });
    const r = await byScale(k1, basket, { code: BANANAS });
    expect(r.status).toBe(201);
    const line = r.body.data.basket.priced.lines.find((l: any) => l.line_id === r.body.data.line_id);
    expect(line).toMatchObject({ item_id: 'bananas', weight_g: 456, payable: '0.91' }); // 2.00/kg × 0.456 kg
    // Weighing again is a line of its own (never merged into the first).
    sim.set({ grams: 1_234, stable: true });
    const again = await byScale(k1, basket, { code: BANANAS });
    expect(again.status).toBe(201);
    expect(again.body.data.basket.priced.lines.map((l: any) => l.weight_g)).toEqual([456, 1234]);
  });

  it('refuses a weight sent by the kiosk: only the hub weighs', async () => {
    const basket = await newBasket(k1);
    sim.set({ grams: 456 });
    const r = await byScale(k1, basket, { code: BANANAS, weight_g: 5_000 });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    const b = await k1.req('GET', `/v1/baskets/${basket}`);
    expect(b.body.data.priced.lines).toEqual([]);
  });

  it('answers a moving, empty, overloaded or below-zero scale with a 409 and a sentence, adding nothing', async () => {
    const basket = await newBasket(k1);
    const cases: [Partial<Parameters<ScaleSimulator['set']>[0]>, string][] = [
      [{ grams: 800, stable: false }, 'SCALE_UNSTABLE'],
      [{ grams: 0, stable: true }, 'SCALE_EMPTY'],
      [{ grams: 20_000, stable: true }, 'SCALE_OVERLOAD'],
      [{ grams: -1_000, stable: true }, 'SCALE_UNDERLOAD'],
    ];
    for (const [state, code] of cases) {
      sim.set(state);
      const r = await byScale(k1, basket, { code: BANANAS });
      expect(r.status, code).toBe(409);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.message).toMatch(/^[A-Z].*\.$/);
    }
    const b = await k1.req('GET', `/v1/baskets/${basket}`);
    expect(b.body.data.priced.lines).toEqual([]);
  });

  it('a weight that settles while the hub waits is taken', async () => {
    const basket = await newBasket(k1);
    sim.set({ grams: 600, stable: false });
    const pending = byScale(k1, basket, { code: BANANAS });
    await sleep(100);
    sim.set({ grams: 640, stable: true });
    const r = await pending;
    expect(r.status).toBe(201);
    expect(r.body.data.basket.priced.lines[0].weight_g).toBe(640);
  });

  it('applies the store’s weight limits to the scale’s reading', async () => {
    const basket = await newBasket(k1);
    for (const grams of [3, 12_000]) {
      sim.set({ grams });
      const r = await byScale(k1, basket, { code: BANANAS });
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({
        code: 'WEIGHT_OUT_OF_RANGE',
        details: { weight_g: grams, min_weight_g: 5, max_weight_g: 10_000 },
      });
    }
  });

  it('a kiosk on a lane with a scale cannot type a weight; one without a scale can', async () => {
    for (const path of ['lines', 'delta/lines']) {
      const typed = await k1.req('POST', `/v1/baskets/${await newBasket(k1)}/${path}`, {
        code: BANANAS,
        weight_g: 500,
      });
      expect(typed.status, path).toBe(409);
      expect(typed.body.error.code).toBe('SCALE_REQUIRED');
    }
    const b2 = await newBasket(k2);
    const keypad = await k2.req('POST', `/v1/baskets/${b2}/lines`, { code: BANANAS, weight_g: 500 });
    expect(keypad.status).toBe(201);
    expect(keypad.body.data.basket.priced.lines[0].weight_g).toBe(500);
  });

  it('refuses an item sold by the piece, and a lane without a scale', async () => {
    sim.set({ grams: 500 });
    const counted = await byScale(k1, await newBasket(k1), { code: '5000000000017' });
    expect(counted.status).toBe(422);
    expect(counted.body.error.code).toBe('WEIGHT_NOT_ALLOWED');
    const noScale = await byScale(k2, await newBasket(k2), { code: BANANAS });
    expect(noScale.status).toBe(409);
    expect(noScale.body.error.code).toBe('SCALE_NOT_ATTACHED');
  });

  it('a retried request (same Idempotency-Key) answers the first weighing, not a new one', async () => {
    const basket = await newBasket(k1);
    sim.set({ grams: 700 });
    const first = await byScale(k1, basket, { code: BANANAS }, 'scale-retry-1');
    expect(first.status).toBe(201);
    sim.set({ grams: 900 });
    const retry = await byScale(k1, basket, { code: BANANAS }, 'scale-retry-1');
    expect(retry.status).toBe(201);
    expect(retry.body.data.line_id).toBe(first.body.data.line_id);
    expect(retry.body.data.basket.priced.lines.map((l: any) => l.weight_g)).toEqual([700]);
  });

  it('a scale that stops answering is SCALE_OFFLINE, and works again when it answers', async () => {
    const basket = await newBasket(k1);
    sim.set({ grams: 300, answers: false });
    const r = await byScale(k1, basket, { code: BANANAS });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('SCALE_OFFLINE');
    for (;;) {
      const s = await k1.req('GET', '/v1/lane/scale');
      if (s.body.data.health === 'error' && s.body.data.reading === null) break;
      await sleep(20);
    }
    sim.set({ grams: 300, answers: true });
    await hubSees(300);
    const ok = await byScale(k1, basket, { code: BANANAS });
    expect(ok.status).toBe(201);
  });
});
