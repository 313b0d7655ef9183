/**
 * Send changes, not the whole basket (issue 8 §3), against the real hub process: the delta
 * endpoints' answer applied to the kiosk's basket gives exactly GET's basket; a socket that asked
 * for basket versions gets those instead of the whole basket; idempotency records of basket
 * answers are references, and a retry still gets the basket and its line.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBasketDelta, basketIsStale } from '../src/client/basket-delta';
import type { Basket, BasketDelta } from '../src/modules/baskets/schemas';
import { DB_FILE } from '../src/platform/db/database';
import type { Client, RunningHub } from './harness';
import { importFile, pairKiosk, removeTempDirs, startHubProcess, tempDataDir } from './harness';

const MILK = '5000000000017';
const BREAD = '5000000000024';

let hub: RunningHub;
let kiosk: Client;
const sockets: Socket[] = [];

beforeAll(async () => {
  const dir = tempDataDir();
  expect(importFile(dir).code).toBe(0);
  hub = await startHubProcess(dir);
  kiosk = (await pairKiosk(hub.url, hub.pairingCode, 'D1')).client;
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await hub.stop();
  removeTempDirs();
});

function listen(auth: Record<string, unknown>): Promise<{ socket: Socket; events: [string, unknown][] }> {
  const socket = io(hub.url, { auth: { token: kiosk.token, ...auth }, transports: ['websocket'] });
  sockets.push(socket);
  const events: [string, unknown][] = [];
  socket.onAny((name: string, payload: unknown) => events.push([name, payload]));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, events }));
    socket.once('connect_error', reject);
  });
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('delta answers and version events', () => {
  it('a delta applied to the basket the kiosk holds is exactly the basket GET answers', async () => {
    const full = await listen({});
    const light = await listen({ basket_events: 'version' });
    const created = await kiosk.req('POST', '/v1/baskets', {});
    let basket = created.body.data as Basket;
    const id = basket.basket_id;

    const add = await kiosk.req('POST', `/v1/baskets/${id}/delta/lines`, { code: MILK, quantity: 2 });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    const d1 = add.body.data as BasketDelta;
    expect(d1.base_version).toBe(basket.version);
    basket = applyBasketDelta(basket, d1)!;
    const add2 = await kiosk.req('POST', `/v1/baskets/${id}/delta/lines`, { code: BREAD, quantity: 1 });
    basket = applyBasketDelta(basket, add2.body.data as BasketDelta)!;
    const change = await kiosk.req('PATCH', `/v1/baskets/${id}/delta/lines/${d1.line_id}`, { quantity: 3 });
    expect(change.status, JSON.stringify(change.body)).toBe(200);
    basket = applyBasketDelta(basket, change.body.data as BasketDelta)!;
    const remove = await kiosk.req('DELETE', `/v1/baskets/${id}/delta/lines/${d1.line_id}`);
    expect(remove.status, JSON.stringify(remove.body)).toBe(200);
    const removed = remove.body.data as BasketDelta;
    expect(removed.removed_line_ids).toEqual([d1.line_id]);
    basket = applyBasketDelta(basket, removed)!;

    const got = await kiosk.req('GET', `/v1/baskets/${id}`);
    expect(JSON.stringify(basket)).toBe(JSON.stringify(got.body.data));
    // The delta is small: it never carries the lines that did not change.
    expect(JSON.stringify(removed).length).toBeLessThan(JSON.stringify(got.body.data).length);

    // The default socket heard whole baskets, the other one only their versions, in order.
    const last = (got.body.data as Basket).version;
    await until(() =>
      light.events.some(([n, p]) => n === 'basket.version' && (p as Basket).version === last),
    );
    await until(() => full.events.some(([n, p]) => n === 'basket.updated' && (p as Basket).version === last));
    expect(light.events.filter(([n]) => n === 'basket.updated')).toEqual([]);
    expect(full.events.filter(([n]) => n === 'basket.version')).toEqual([]);
    const versions = light.events
      .filter(([n]) => n === 'basket.version')
      .map(([, p]) => (p as Basket).version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(basketIsStale(basket, { basket_id: id, version: last })).toBe(false);
    expect(basketIsStale(basket, { basket_id: id, version: last + 1 })).toBe(true);
  });

  it('stores basket answers by reference; a retry gets the basket with the same line', async () => {
    const b = await kiosk.req('POST', '/v1/baskets', {});
    const id = b.body.data.basket_id as string;
    const first = await kiosk.req('POST', `/v1/baskets/${id}/lines`, { code: MILK }, { key: 'ref-1' });
    expect(first.status).toBe(201);
    const again = await kiosk.req('POST', `/v1/baskets/${id}/lines`, { code: MILK }, { key: 'ref-1' });
    expect(again.status).toBe(201);
    expect(again.body.data.line_id).toBe(first.body.data.line_id);
    expect(JSON.stringify(again.body.data.basket)).toBe(JSON.stringify(first.body.data.basket));
    expect(again.body.data.basket.priced.lines).toHaveLength(1);
    expect(again.body.data.basket.priced.lines[0].quantity).toBe(1); // not added twice

    const db = new Database(path.join(hub.dataDir, DB_FILE), { readonly: true });
    try {
      const row = db.prepare(`SELECT response FROM idempotency WHERE key = 'ref-1'`).get() as {
        response: string;
      };
      expect(JSON.parse(row.response)).toEqual({
        $ref: 'basket',
        basket_id: id,
        line_id: first.body.data.line_id,
      });
    } finally {
      db.close();
    }
  });
});
