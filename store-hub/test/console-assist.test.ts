/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Two staff actions at a lane against the real hub process (issue 12): allowing a line the
 * store's quantity limit refused, and selling a barcode the catalogue does not know at a price
 * staff enter. Both check their §1.1 permission, are audited, re-price through promo-core and
 * reach the order snapshot and the receipt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from './harness';
import {
  Client,
  FIXTURE,
  importFile,
  pairKiosk,
  removeTempDirs,
  startHubProcess,
  tempDataDir,
} from './harness';

const COLA = '5000000000031'; // 0.99, at most 2 per basket in this store
const UNKNOWN = '4006381333931'; // a valid EAN-13 the catalogue does not have

let hub: RunningHub;
let kiosk: Client;
let manager: Client;
let clerk: Client;

async function staffClient(username: string, pin: string): Promise<Client> {
  const c = new Client(hub.url);
  const r = await c.req('POST', '/v1/staff/sessions', { username, pin });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  c.token = r.body.data.token;
  return c;
}

beforeAll(async () => {
  const dataDir = tempDataDir();
  const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  doc.items.find((i: any) => i.product_identifier === COLA).max_basket_qty = 2;
  doc.staff = [
    {
      username: 'manager',
      pin: '123456',
      permissions: { can_add: true, can_edit: true, can_override_price: true },
    },
    { username: 'clerk', pin: '654321', permissions: { can_add: true } },
  ];
  const file = path.join(dataDir, 'store.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  expect(importFile(dataDir, file).code).toBe(0);
  hub = await startHubProcess(dataDir);
  kiosk = (await pairKiosk(hub.url, hub.pairingCode, 'K1')).client;
  manager = await staffClient('manager', '123456');
  clerk = await staffClient('clerk', '654321');
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  removeTempDirs();
});

async function pay(basketId: string): Promise<any> {
  const o = await kiosk.req('POST', '/v1/orders', { basket_id: basketId });
  expect(o.status).toBe(201);
  const id = o.body.data.order_id;
  await kiosk.req('POST', `/v1/orders/${id}/tenders`, { simulate: 'approve' });
  for (;;) {
    const g = await kiosk.req('GET', `/v1/orders/${id}`);
    if (g.body.data.order_status === 'completed') return g.body.data;
    await new Promise((r) => setTimeout(r, 30));
  }
}

const audit = async (action: string) =>
  (await manager.req('GET', `/v1/console/audit?action=${action}`)).body.data.entries;

const snapshotOf = async (orderId: string) => {
  const outbox = (await manager.req('GET', '/v1/sync/outbox?after=0&limit=1000')).body.data;
  return outbox.find((e: any) => e.type === 'order.completed' && e.key === orderId);
};

describe('assistance: quantity-limit override and unknown items', { timeout: 60_000 }, () => {
  it('allows a line the quantity limit refused, for exactly those units', async () => {
    const basketId = (await kiosk.req('POST', '/v1/baskets', {})).body.data.basket_id;
    expect(
      (await kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: COLA, quantity: 2 })).status,
    ).toBe(201);
    const refused = await kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: COLA, quantity: 1 });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('QUANTITY_RESTRICTED');

    const body = { code: COLA, quantity: 1, reason: 'party order, manager agreed' };
    const denied = await clerk.req('POST', `/v1/console/baskets/${basketId}/limit-override`, body);
    expect(denied.status).toBe(403);
    expect(denied.body.error.details.permission).toBe('can_edit');

    const ok = await manager.req('POST', `/v1/console/baskets/${basketId}/limit-override`, body);
    expect(ok.status).toBe(200);
    expect(ok.body.data.lines.map((l: any) => [l.item_name, l.quantity])).toEqual([
      ['Cola 330ml', 2],
      ['Cola 330ml', 1],
    ]);
    expect(ok.body.data.totals.total_after_tax).toBe('2.97');
    // The override covers that line only: one more cola is refused again.
    const again = await kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: COLA, quantity: 1 });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('QUANTITY_RESTRICTED');
    const [row] = await audit('assistance.limit_override');
    expect(row).toMatchObject({
      staff_username: 'manager',
      device: 'K1',
      what: 'allowed 1 × Cola 330ml over the quantity limit',
      why: 'party order, manager agreed',
    });

    const order = await pay(basketId);
    expect(order.total).toBe('2.97');
    const snap = await snapshotOf(order.order_id);
    expect(snap.data.items.reduce((n: number, l: any) => n + Number(l.quantity), 0)).toBe(3);
    // HQ's pricing audit re-prices from this line input: the waiver must travel with the line.
    expect(snap.data.audit.basket.lines.map((l: any) => l.limit_override?.max_quantity ?? null)).toEqual([
      null,
      1,
    ]);
  });

  it('sells an unknown barcode at a manual price, on the order snapshot and the receipt', async () => {
    const basketId = (await kiosk.req('POST', '/v1/baskets', {})).body.data.basket_id;
    const unknown = await kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: UNKNOWN, quantity: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('ITEM_NOT_FOUND');

    const body = {
      code: UNKNOWN,
      item_name: 'Garden gnome',
      unit_price: '4.50',
      quantity: 2,
      reason: 'label missing from the catalogue',
    };
    const denied = await clerk.req('POST', `/v1/console/baskets/${basketId}/manual-items`, body);
    expect(denied.status).toBe(403);
    expect(denied.body.error.details.permission).toBe('can_override_price');
    const known = await manager.req('POST', `/v1/console/baskets/${basketId}/manual-items`, {
      ...body,
      code: COLA,
    });
    expect(known.status).toBe(400);
    const badTax = await manager.req('POST', `/v1/console/baskets/${basketId}/manual-items`, {
      ...body,
      tax_code: 'NOPE',
    });
    expect(badTax.status).toBe(422);
    expect(badTax.body.error.code).toBe('TAX_CODE_MISSING');

    const ok = await manager.req('POST', `/v1/console/baskets/${basketId}/manual-items`, body);
    expect(ok.status).toBe(200);
    expect(ok.body.data.lines).toEqual([
      expect.objectContaining({
        item_name: 'Garden gnome',
        quantity: 2,
        unit_price: '4.50',
        payable: '9.00',
      }),
    ]);
    // The kiosk hears the re-priced basket like any other change.
    const b = (await kiosk.req('GET', `/v1/baskets/${basketId}`)).body.data;
    expect(b.priced.lines[0].explanation.join(' ')).toMatch(/not in the catalogue/);
    expect(b.priced.lines[0].promotion_exclusion).toBe('override');
    const [row] = await audit('assistance.manual_item');
    expect(row).toMatchObject({
      staff_username: 'manager',
      what: `sold unknown code ${UNKNOWN} as 2 × Garden gnome at 4.50`,
      why: 'label missing from the catalogue',
    });

    const order = await pay(basketId);
    expect(order.total).toBe('9.00');
    const receipt = await kiosk.req('GET', `/v1/orders/${order.order_id}/receipt`);
    expect(receipt.status).toBe(200);
    expect(JSON.stringify(receipt.body.data)).toMatch(/Garden gnome/);
    const snap = await snapshotOf(order.order_id);
    expect(JSON.stringify(snap.data)).toMatch(/Garden gnome/);
    // HQ's pricing audit re-prices from the line input: the staff price and name travel with it.
    expect(snap.data.audit.basket.lines[0]).toMatchObject({
      amount: '4.50',
      manual_item: { item_name: 'Garden gnome' },
    });
    expect(snap.data.audit.priced.lines[0].item_id).toBe(`manual:${snap.data.audit.basket.lines[0].line_id}`);
  });
});
