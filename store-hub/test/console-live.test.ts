/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The console's live events reach a STAFF socket of the real hub process, each parsed by its
 * schema in LIVE_EVENTS through the typed client (issue 12 item 7): basket.updated (so the lanes
 * board needs no poll), order.verified / order.verification_failed, refund.completed /
 * refund.failed, alert (also a split refund held for staff) and device.revoked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_EVENTS, onLiveEvent, type LiveEventName } from '../src/client';
import type { RunningHub } from './harness';
import {
  Client,
  FIXTURE,
  importFile,
  pairingCode,
  pairKiosk,
  removeTempDirs,
  startHubProcess,
  tempDataDir,
} from './harness';

const COLA = '5000000000031';
const STAFF_EVENTS: LiveEventName[] = [
  'basket.updated',
  'order.verified',
  'order.verification_failed',
  'refund.completed',
  'refund.failed',
  'alert',
  'device.revoked',
];

let hub: RunningHub;
let kiosk: Client;
let staff: Client;
let socket: Socket;
const heard: { name: LiveEventName; payload: any }[] = [];
const invalid: { name: LiveEventName; error: unknown }[] = [];

beforeAll(async () => {
  const dataDir = tempDataDir();
  const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  doc.staff = [{ username: 'manager', pin: '123456', permissions: { can_refund: true } }];
  const file = path.join(dataDir, 'store.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  expect(importFile(dataDir, file).code).toBe(0);
  hub = await startHubProcess(dataDir);
  kiosk = (await pairKiosk(hub.url, hub.pairingCode, 'K1')).client;
  staff = new Client(hub.url);
  staff.token = (
    await staff.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' })
  ).body.data.token;
  socket = io(hub.url, { auth: { token: staff.token }, transports: ['websocket'] });
  // Through the typed client; a payload its schema refuses is recorded and fails the file (afterAll).
  for (const name of STAFF_EVENTS)
    onLiveEvent(
      socket as any,
      name,
      (payload) => heard.push({ name, payload }),
      (error) => invalid.push({ name, error }),
    );
  await new Promise<void>((r) => socket.on('connect', () => r()));
}, 60_000);

afterAll(async () => {
  expect(invalid).toEqual([]);
  socket?.close();
  await hub?.stop();
  removeTempDirs();
});

const waitFor = async (name: LiveEventName, match: (p: any) => boolean) => {
  await expect
    .poll(() => heard.some((h) => h.name === name && match(h.payload)), { timeout: 10_000 })
    .toBe(true);
  return heard.find((h) => h.name === name && match(h.payload))!.payload;
};

async function paidOrder(): Promise<string> {
  const b = await kiosk.req('POST', '/v1/baskets', {});
  await kiosk.req('POST', `/v1/baskets/${b.body.data.basket_id}/lines`, { code: COLA, quantity: 2 });
  const o = await kiosk.req('POST', '/v1/orders', { basket_id: b.body.data.basket_id });
  await kiosk.req('POST', `/v1/orders/${o.body.data.order_id}/tenders`, { simulate: 'approve' });
  for (;;) {
    const g = await kiosk.req('GET', `/v1/orders/${o.body.data.order_id}`);
    if (g.body.data.order_status === 'completed') return g.body.data.order_id;
    await new Promise((r) => setTimeout(r, 30));
  }
}

describe('live events on a staff socket', { timeout: 60_000 }, () => {
  it('every console event is declared in LIVE_EVENTS with a schema', () => {
    for (const n of STAFF_EVENTS) expect(LIVE_EVENTS[n]).toBeDefined();
  });

  it('hears a kiosk’s basket change', async () => {
    const b = await kiosk.req('POST', '/v1/baskets', {});
    const id = b.body.data.basket_id;
    await kiosk.req('POST', `/v1/baskets/${id}/lines`, { code: COLA, quantity: 1 });
    const p = await waitFor('basket.updated', (x) => x.basket_id === id && x.priced.lines.length === 1);
    expect(p.priced.lines[0].item_name).toBe('Cola 330ml');
  });

  it('hears refunds complete and fail, and exit checks pass and fail', async () => {
    const a = await paidOrder();
    const line = (await staff.req('GET', `/v1/console/orders/${a}/refundable`)).body.data.lines[0];
    const body = {
      order_id: a,
      lines: [{ line_id: line.line_id, quantity: 1 }],
      method: 'card',
      reason: 'x',
    };
    const failed = (await staff.req('POST', '/v1/console/refunds', { ...body, simulate: 'decline' })).body
      .data;
    await waitFor('refund.failed', (x) => x.refund_id === failed.refund_id && x.order_id === a);
    const done = (await staff.req('POST', '/v1/console/refunds', body)).body.data;
    await waitFor('refund.completed', (x) => x.refund_id === done.refund_id);

    const v = await paidOrder();
    expect((await staff.req('POST', `/v1/console/orders/${v}/verify`, {})).status).toBe(200);
    await waitFor('order.verified', (x) => x.order_id === v);
    const f = await paidOrder();
    expect(
      (await staff.req('POST', `/v1/console/orders/${f}/fail-verification`, { reason: 'extra item' })).status,
    ).toBe(200);
    await waitFor('order.verification_failed', (x) => x.order_id === f);
  });

  it('hears a split refund held after its second card declined, then completed when staff finish it', async () => {
    const b = await kiosk.req('POST', '/v1/baskets', {});
    await kiosk.req('POST', `/v1/baskets/${b.body.data.basket_id}/lines`, { code: COLA, quantity: 2 });
    const o = (await kiosk.req('POST', '/v1/orders', { basket_id: b.body.data.basket_id })).body.data;
    for (const body of [{ amount: '1.00', simulate: 'approve' }, { simulate: 'approve' }]) {
      await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, body);
      await expect
        .poll(
          async () =>
            (await kiosk.req('GET', `/v1/orders/${o.order_id}`)).body.data.payment.tenders.at(-1)?.status,
        )
        .toBe('captured');
    }
    const line = (await staff.req('GET', `/v1/console/orders/${o.order_id}/refundable`)).body.data.lines[0];
    const held = (
      await staff.req('POST', '/v1/console/refunds', {
        order_id: o.order_id,
        lines: [{ line_id: line.line_id, quantity: 2 }],
        method: 'card',
        reason: 'x',
        simulate: 'decline_rest',
      })
    ).body.data;
    expect(held.status).toBe('PROCESSING');
    const alert = await waitFor(
      'alert',
      (x) => x.code === 'REFUND_INCOMPLETE' && x.refund_id === held.refund_id,
    );
    expect(alert.order_id).toBe(o.order_id);
    expect(alert.message).toMatch(/^1\.00 went back to .*; 0\.98 to .* failed/);
    const f = await staff.req('POST', `/v1/console/refunds/${held.refund_id}/finish`, {
      action: 'cancel',
      reason: 'customer left',
    });
    expect(f.status).toBe(200);
    await waitFor('refund.completed', (x) => x.refund_id === held.refund_id);
  });

  it('hears a pricing-mismatch alert and a revoked device', async () => {
    const b = await kiosk.req('POST', '/v1/baskets', {});
    const r = await kiosk.req('POST', '/v1/alerts/pricing-mismatch', {
      basket_id: b.body.data.basket_id,
      data_version: null,
      kiosk_json: '{"total":"1.00"}',
      hub_json: '{"total":"1.01"}',
    });
    expect(r.status).toBeLessThan(300);
    await waitFor('alert', (x) => x.code === 'PRICING_MISMATCH');

    const other = await pairKiosk(hub.url, pairingCode(hub.dataDir), 'K9');
    expect(
      (await staff.req('POST', `/v1/console/devices/${other.deviceId}/revoke`, { reason: 'stolen' })).status,
    ).toBe(200);
    await waitFor('device.revoked', (x) => x.device_id === other.deviceId);
    // The staff socket itself stays connected (only the revoked device's sockets are dropped).
    expect(socket.connected).toBe(true);
  });
});
