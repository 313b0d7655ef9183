/* eslint-disable @typescript-eslint/no-explicit-any */
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, RunningHub } from './harness';
import {
  importFile,
  pairingCode,
  pairKiosk,
  staffClient,
  startHubProcess,
  removeTempDirs,
  tempDataDir,
} from './harness';

let hub: RunningHub;
let kiosk: Client;
let deviceId: string;
let staff: Client;

const MILK = '5000000000017';
const BREAD = '5000000000024';
const WINE = '5000000000048';

beforeAll(async () => {
  const dir = tempDataDir();
  expect(importFile(dir).code).toBe(0);
  hub = await startHubProcess(dir, ['--terminal-timeout-ms', '600']);
  ({ client: kiosk, deviceId } = await pairKiosk(hub.url, hub.pairingCode));
  staff = await staffClient(hub.url);
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  removeTempDirs();
});

async function newBasket(): Promise<string> {
  const r = await kiosk.req('POST', '/v1/baskets', {});
  expect(r.status).toBe(201);
  return r.body.data.basket_id;
}

async function add(basket: string, code: string, quantity = 1): Promise<any> {
  const r = await kiosk.req('POST', `/v1/baskets/${basket}/lines`, { code, quantity });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.data;
}

describe('devices and auth', () => {
  it('refuses requests without a valid device token', async () => {
    const anon = new (kiosk.constructor as any)(hub.url, 'dev_nope') as Client;
    const r = await anon.req('POST', '/v1/baskets', {});
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('DEVICE_UNAUTHENTICATED');
  });

  it('a pairing code works once', { timeout: 60_000 }, async () => {
    const code = pairingCode(hub.dataDir);
    await pairKiosk(hub.url, code, 'K9');
    await expect(pairKiosk(hub.url, code, 'K10')).rejects.toThrow(/PAIRING_CODE_INVALID/);
  });

  it('staff endpoints need a staff session, not a device token', async () => {
    const r = await kiosk.req('GET', '/v1/interventions');
    expect(r.status).toBe(401);
    expect((await staff.req('GET', '/v1/interventions')).status).toBe(200);
  });

  it('serves its OpenAPI document', async () => {
    const r = await fetch(`${hub.url}/openapi.json`);
    const doc = (await r.json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/baskets/{id}/lines');
  });
});

describe('baskets', () => {
  it('adds by code, increments the same code, changes quantity, removes, re-pricing each time', async () => {
    const b = await newBasket();
    let r = await add(b, MILK, 2);
    expect(r.basket.priced.totals.total_after_tax).toBe('2.40');
    r = await add(b, MILK);
    expect(r.basket.priced.lines).toHaveLength(1);
    expect(r.basket.priced.lines[0].quantity).toBe(3);
    const lineId = r.line_id;
    const p = await kiosk.req('PATCH', `/v1/baskets/${b}/lines/${lineId}`, { quantity: 1 });
    expect(p.body.data.priced.totals.total_after_tax).toBe('1.20');
    await add(b, BREAD);
    const d = await kiosk.req('DELETE', `/v1/baskets/${b}/lines/${lineId}`);
    expect(d.status).toBe(200);
    expect(d.body.data.priced.totals.total_after_tax).toBe('2.00');
  });

  it('answers bad input with a clear error and changes nothing', async () => {
    const b = await newBasket();
    await add(b, MILK);
    const before = (await kiosk.req('GET', `/v1/baskets/${b}`)).body.data;
    const cases: [unknown, string | undefined, number, string][] = [
      [undefined, '{"code": ', 400, 'MALFORMED_JSON'],
      [{ code: 12345 }, undefined, 400, 'VALIDATION_FAILED'],
      [{ code: '0000000000000' }, undefined, 404, 'ITEM_NOT_FOUND'],
      [{ code: MILK, quantity: 0 }, undefined, 400, 'VALIDATION_FAILED'],
      // The schema's bound is the rule's (999): beyond it the request is malformed …
      [{ code: MILK, quantity: 5000 }, undefined, 400, 'VALIDATION_FAILED'],
      // … while a repeat scan that would take the line past the store's limit is refused.
      [{ code: MILK, quantity: 999 }, undefined, 422, 'QUANTITY_OUT_OF_RANGE'],
      [{ code: MILK, basket_version: before.version - 1 }, undefined, 409, 'BASKET_VERSION_CONFLICT'],
    ];
    for (const [body, raw, status, code] of cases) {
      const r = await kiosk.req('POST', `/v1/baskets/${b}/lines`, body, raw ? { raw } : {});
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(typeof r.body.error.message).toBe('string');
    }
    const after = (await kiosk.req('GET', `/v1/baskets/${b}`)).body.data;
    expect(after.version).toBe(before.version);
    expect(after.priced).toEqual(before.priced);
  });

  it('replays an Idempotency-Key: same answer, no second effect; a different body is refused', async () => {
    const b = await newBasket();
    const first = await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: MILK }, { key: 'replay-1' });
    const again = await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: MILK }, { key: 'replay-1' });
    expect(again).toEqual(first);
    const now = (await kiosk.req('GET', `/v1/baskets/${b}`)).body.data;
    expect(now.priced.lines[0].quantity).toBe(1);
    const other = await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: BREAD }, { key: 'replay-1' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const missing = await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: MILK }, { key: null });
    expect(missing.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('starts a shopper session with its basket; customer details are validated', async () => {
    const r = await kiosk.req('POST', '/v1/kiosk-sessions', { customer: { email: 'a@example.com' } });
    expect(r.status).toBe(201);
    expect(r.body.data.basket.session_id).toBe(r.body.data.session_id);
    const bad = await kiosk.req('POST', '/v1/kiosk-sessions', { customer: { email: 'nope', pan: '4111' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('scan resolves a code without adding it', async () => {
    const r = await kiosk.req('GET', `/v1/scan?code=${BREAD}`);
    expect(r.status).toBe(200);
    expect(r.body.data.item_id).toBe('bread');
  });
});

describe('age checks', () => {
  it('blocks checkout until staff approve; rejection removes the restricted line', async () => {
    const b = await newBasket();
    await add(b, MILK);
    const r = await add(b, WINE);
    expect(r.basket.requires_approval).toBe(true);
    expect(r.basket.approval.status).toBe('P');
    const blocked = await kiosk.req('POST', '/v1/orders', { basket_id: b });
    expect(blocked.body.error.code).toBe('APPROVAL_REQUIRED');
    const again = await kiosk.req('POST', `/v1/baskets/${b}/verification`, {});
    expect(again.body.data.intervention_id).toBe(r.basket.approval.intervention_id);
    const rej = await staff.req('POST', `/v1/interventions/${r.basket.approval.intervention_id}/decide`, {
      decision: 'reject',
    });
    expect(rej.body.data.status).toBe('R');
    const replay = await staff.req(
      'POST',
      `/v1/interventions/${r.basket.approval.intervention_id}/decide`,
      { decision: 'reject' },
      { key: rej.key },
    );
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(rej.body);
    const after = (await kiosk.req('GET', `/v1/baskets/${b}`)).body.data;
    expect(after.priced.lines.map((l: any) => l.item_id)).toEqual(['milk']);

    const b2 = await newBasket();
    const r2 = await add(b2, WINE);
    await staff.req('POST', `/v1/interventions/${r2.basket.approval.intervention_id}/decide`, {
      decision: 'approve',
    });
    const o = await kiosk.req('POST', '/v1/orders', { basket_id: b2 });
    expect(o.status).toBe(201);
  });
});

describe('checkout and payment', () => {
  async function order(codes: string[]): Promise<any> {
    const b = await newBasket();
    for (const c of codes) await add(b, c);
    const o = await kiosk.req('POST', '/v1/orders', { basket_id: b });
    expect(o.status, JSON.stringify(o.body)).toBe(201);
    return o.body.data;
  }

  it('completes an order with numbers, receipt and exactly one order.completed event', async () => {
    const o = await order([MILK, BREAD]);
    const again = await kiosk.req('POST', '/v1/orders', { basket_id: o.basket_id });
    expect(again.body.data.order_id).toBe(o.order_id);
    const t = await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, {});
    expect(t.body.data.order_status).toBe('completed');
    expect(t.body.data.transaction_id_poslog).toMatch(/^\d+$/);
    expect(t.body.data.receipt_number).toMatch(/^T001-\d{6}$/);
    expect(t.body.data.receipt.text).toContain('Milk');
    const events = (await staff.req('GET', '/v1/sync/outbox?after=0&limit=1000')).body.data as any[];
    expect(events.filter((e) => e.type === 'order.completed' && e.key === o.order_id)).toHaveLength(1);
    const abort = await kiosk.req('POST', `/v1/orders/${o.order_id}/abort`, {});
    expect(abort.body.error.code).toBe('ORDER_ALREADY_COMPLETED');
  });

  it('a decline leaves the order payable; the third decline calls staff; a retry then succeeds', async () => {
    const o = await order([MILK]);
    const d = await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, { simulate: 'decline' });
    expect(d.body.data.order_status).toBe('created');
    expect(d.body.data.payment.tenders[0].failure_code).toBe('DECLINED');
    await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, { simulate: 'decline' });
    await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, { simulate: 'decline' });
    const help = (await staff.req('GET', '/v1/interventions?status=P')).body.data as any[];
    expect(help.filter((i) => i.kind === 'help' && i.basket_id === o.basket_id)).toHaveLength(1);
    const ok = await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, {});
    expect(ok.body.data.order_status).toBe('completed');
  });

  it('splits tenders: partial approval, then the remainder; a partial can be voided', async () => {
    const o = await order([MILK, BREAD]); // 3.20
    const p = await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, { simulate: 'partial' });
    expect(p.body.data.payment.status).toBe('partial_captured');
    expect(p.body.data.payment.captured_amount).toBe('1.60');
    const tid = p.body.data.payment.tenders[0].tender_id;
    const v = await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders/${tid}/void`, {});
    expect(v.body.data.payment.captured_amount).toBe('0.00');
    const s1 = await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, { amount: '1.00' });
    expect(s1.body.data.payment.due).toBe('2.20');
    const s2 = await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, {});
    expect(s2.body.data.order_status).toBe('completed');
    expect(s2.body.data.payment.tenders.filter((t: any) => t.status === 'captured')).toHaveLength(2);
  });

  it('a terminal that never answers is cancelled after the timeout; abort cancels the order and reopens the basket', async () => {
    const o = await order([BREAD]);
    const t = await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, { simulate: 'timeout' });
    expect(t.body.data.payment.tenders[0].failure_code).toBe('TERMINAL_TIMEOUT');
    const a = await kiosk.req('POST', `/v1/orders/${o.order_id}/abort`, { cancel_order: true });
    expect(a.body.data.order_status).toBe('cancelled');
    expect(a.body.data.transaction_id_poslog).toMatch(/^\d+$/);
    const b = (await kiosk.req('GET', `/v1/baskets/${o.basket_id}`)).body.data;
    expect(b.state).toBe('active');
    // The cancelled order is kept as it was; checking the basket out again is a new order.
    const again = await kiosk.req('POST', '/v1/orders', { basket_id: o.basket_id });
    expect(again.status).toBe(201);
    expect(again.body.data.order_id).not.toBe(o.order_id);
    const old = await kiosk.req('GET', `/v1/orders/${o.order_id}`);
    expect(old.body.data.order_status).toBe('cancelled');
    expect(old.body.data.transaction_id_poslog).toBe(a.body.data.transaction_id_poslog);
    const paid = await kiosk.req('POST', `/v1/orders/${again.body.data.order_id}/tenders`, {});
    expect(paid.body.data.order_status).toBe('completed');
  });

  it('a terminal that goes offline mid-payment is asked again until it answers', async () => {
    const o = await order([MILK]);
    const t = await kiosk.req('POST', `/v1/orders/${o.order_id}/tenders`, { simulate: 'offline' });
    expect(t.body.data.order_status).toBe('completed');
  });
});

describe('live events and replication', () => {
  function connect(token: string): Promise<{ socket: Socket; events: [string, any][] }> {
    const socket = io(hub.url, { auth: { token }, transports: ['websocket'], reconnection: false });
    const events: [string, any][] = [];
    socket.onAny((name: string, payload: unknown) => events.push([name, payload]));
    return new Promise((resolve, reject) => {
      socket.on('connect', () => resolve({ socket, events }));
      socket.on('connect_error', reject);
    });
  }
  const until = async (pred: () => boolean): Promise<void> => {
    while (!pred()) await new Promise((r) => setTimeout(r, 20));
  };

  it('pushes the priced basket after a change and gives a reconnecting kiosk its state', async () => {
    const b = await newBasket();
    const { socket, events } = await connect(kiosk.token);
    await until(() => events.some(([n]) => n === 'state'));
    expect(events.find(([n]) => n === 'state')![1].basket.basket_id).toBe(b);
    await add(b, MILK);
    await until(() => events.some(([n, p]) => n === 'basket.updated' && p.basket_id === b));
    socket.close();
    const again = await connect(kiosk.token);
    await until(() => again.events.some(([n]) => n === 'state'));
    expect(again.events.find(([n]) => n === 'state')![1].basket.priced.lines).toHaveLength(1);
    again.socket.close();
  });

  it('refuses a socket without a valid token', async () => {
    await expect(connect('dev_bad')).rejects.toThrow(/UNAUTHENTICATED/);
  });

  it('pull pages with a checkpoint; a catalogue change reaches a connected kiosk and its pull', async () => {
    const first = await kiosk.req('GET', '/v1/replication/items/pull?limit=2');
    expect(first.body.data.documents).toHaveLength(2);
    const cp = first.body.data.checkpoint;
    const rest = await kiosk.req(
      'GET',
      `/v1/replication/items/pull?limit=100&updatedAt=${cp.updatedAt}&id=${cp.id}`,
    );
    const all = [...first.body.data.documents, ...rest.body.data.documents].map((d: any) => d.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(4);
    const end = rest.body.data.checkpoint;

    const { socket, events } = await connect(kiosk.token);
    const imp = await staff.req('POST', '/v1/catalog/import', {
      items: [
        {
          item_id: 'tea',
          product_identifier: '5000000000055',
          item_name: 'Tea',
          base_price: '3.10',
          tax_code: 'ZERO',
        },
      ],
    });
    expect(imp.status, JSON.stringify(imp.body)).toBe(200);
    await until(() => events.some(([n, p]) => n === 'replication.changed' && p.checkpoint > end.updatedAt));
    const delta = await kiosk.req(
      'GET',
      `/v1/replication/items/pull?updatedAt=${end.updatedAt}&id=${end.id}`,
    );
    expect(delta.body.data.documents.map((d: any) => d.id)).toEqual(['tea']);
    socket.close();
  });

  it('push answers conflicts for baskets and refuses hub-owned collections', async () => {
    const doc = { id: 'offline-1', device_id: deviceId, lines: [{ code: MILK, quantity: 1 }] };
    const p1 = await kiosk.req('POST', '/v1/replication/baskets/push', [
      { newDocumentState: doc, assumedMasterState: null },
    ]);
    expect(p1.body.data).toEqual([]);
    const p2 = await kiosk.req('POST', '/v1/replication/baskets/push', [
      { newDocumentState: { ...doc, lines: [] }, assumedMasterState: null },
    ]);
    expect(p2.body.data).toHaveLength(1);
    expect(p2.body.data[0].lines).toHaveLength(1);
    const ro = await kiosk.req('POST', '/v1/replication/items/push', [{ newDocumentState: { id: 'x' } }]);
    expect(ro.status).toBe(403);
  });
});
