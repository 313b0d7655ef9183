/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The console's long lists page with cursors against the real hub process (issue 12): orders
 * newest first and the cash report by business date then register — every row exactly once
 * across the pages, a last page that says so, and a made-up cursor refused with a 400.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let hub: RunningHub;
let dataDir: string;
let staff: Client;
const kiosks: { client: Client; deviceId: string }[] = [];

beforeAll(async () => {
  dataDir = tempDataDir();
  const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  doc.store_config.denominations = ['10.00', '1.00'];
  doc.staff = [
    {
      username: 'manager',
      pin: '123456',
      password: 'manager-pass-1',
      retailer_staff_id: 'M1',
      permissions: { allow_settlement_report: true, can_refund: true },
    },
  ];
  const file = path.join(dataDir, 'store.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  expect(importFile(dataDir, file).code).toBe(0);
  hub = await startHubProcess(dataDir);
  kiosks.push(await pairKiosk(hub.url, hub.pairingCode, 'K1'));
  for (const name of ['K3', 'K2']) kiosks.push(await pairKiosk(hub.url, pairingCode(dataDir), name));
  staff = new Client(hub.url);
  const s = await staff.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' });
  staff.token = s.body.data.token;
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  removeTempDirs();
});

async function paidOrder(kiosk: Client, n: number): Promise<string> {
  const b = await kiosk.req('POST', '/v1/baskets', {});
  await kiosk.req('POST', `/v1/baskets/${b.body.data.basket_id}/lines`, { code: COLA, quantity: n });
  const o = await kiosk.req('POST', '/v1/orders', { basket_id: b.body.data.basket_id });
  await kiosk.req('POST', `/v1/orders/${o.body.data.order_id}/tenders`, { simulate: 'approve' });
  for (;;) {
    const g = await kiosk.req('GET', `/v1/orders/${o.body.data.order_id}`);
    if (g.body.data.order_status === 'completed') return g.body.data.order_id;
    await new Promise((r) => setTimeout(r, 30));
  }
}

async function allPages(first: string): Promise<{ pages: any[][]; key: string }> {
  const pages: any[][] = [];
  let url = first;
  let key = '';
  for (;;) {
    const r = await staff.req('GET', url);
    expect(r.status).toBe(200);
    key = 'orders' in r.body.data ? 'orders' : 'rows';
    pages.push(r.body.data[key]);
    if (r.body.data.next_cursor === null) return { pages, key };
    url = `${first}&cursor=${encodeURIComponent(r.body.data.next_cursor)}`;
  }
}

describe('console paging', { timeout: 60_000 }, () => {
  it('pages today’s orders newest first, each order once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await paidOrder(kiosks[i % 3]!.client, i + 1));
    const { pages } = await allPages('/v1/console/orders?limit=3');
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const seen = pages.flat().map((o) => o.order_id);
    expect(seen).toEqual([...ids].reverse());
    const at = pages.flat().map((o) => o.created_at);
    expect([...at].sort().reverse()).toEqual(at);
    // Filters hold across pages.
    const k1 = await allPages('/v1/console/orders?limit=2&device=K1');
    expect(k1.pages.flat().map((o) => o.order_id)).toEqual([ids[6], ids[3], ids[0]]);
  });

  it('pages the cash report by business date, then register', async () => {
    for (const k of kiosks) {
      const open = await staff.req('POST', '/v1/console/shifts', {
        device_id: k.deviceId,
        denominations: { '10.00': 1 },
      });
      expect(open.status).toBe(201);
      const close = await staff.req('POST', `/v1/console/shifts/${open.body.data.shift_id}/close`, {
        end_denominations: { '10.00': 1 },
      });
      expect(close.status).toBe(200);
    }
    // One register's shift belongs to the day before (a night shift), for the range below.
    const today = (await staff.req('GET', '/v1/console/orders?limit=1')).body.data.orders[0].created_at.slice(
      0,
      10,
    );
    const yesterday = new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10);
    const db = new Database(path.join(dataDir, 'kassa-hub.sqlite'));
    db.prepare(`UPDATE shifts SET business_date = ? WHERE device_id = ?`).run(yesterday, kiosks[0]!.deviceId);
    db.close();
    const day = await allPages(`/v1/console/reports/cash?date=${today}&limit=1`);
    expect(day.pages.map((p) => p.map((r: any) => r.register))).toEqual([['T001-K2'], ['T001-K3']]);
    const range = await allPages(`/v1/console/reports/cash?date=${yesterday}&to=${today}&limit=2`);
    expect(range.pages.map((p) => p.map((r: any) => `${r.business_date} ${r.register}`))).toEqual([
      [`${yesterday} T001-K1`, `${today} T001-K2`],
      [`${today} T001-K3`],
    ]);
  });

  it('refuses a cursor it did not give, and a range that ends before it starts', async () => {
    const bad = await staff.req('GET', '/v1/console/orders?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/start from the first page/);
    const backwards = await staff.req('GET', '/v1/console/reports/cash?date=2026-01-02&to=2026-01-01');
    expect(backwards.status).toBe(400);
  });
});
