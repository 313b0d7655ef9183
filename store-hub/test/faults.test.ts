/* eslint-disable @typescript-eslint/no-explicit-any */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Client, RunningHub } from './harness';
import { importFile, pairingCode, pairKiosk, startHubProcess, removeTempDirs, tempDataDir } from './harness';

const MILK = '5000000000017';
const hubs: RunningHub[] = [];
afterAll(async () => {
  for (const h of hubs) await h.stop('SIGKILL');
  removeTempDirs();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kill -9 in the middle of a stream of checkouts', () => {
  it('keeps every order a kiosk saw completed exactly once with its outbox event; recovers in-flight payments', async () => {
    const dir = tempDataDir();
    expect(importFile(dir).code).toBe(0);
    const hub = await startHubProcess(dir, ['--sim-decide-ms', '200']);
    hubs.push(hub);
    const kiosks: Client[] = [];
    kiosks.push((await pairKiosk(hub.url, hub.pairingCode, 'K1')).client);
    for (const name of ['K2', 'K3', 'K4'])
      kiosks.push((await pairKiosk(hub.url, pairingCode(dir), name)).client);

    const seenCompleted: string[] = [];
    let stop = false;
    const failures: string[] = [];
    const shop = async (k: Client): Promise<void> => {
      while (!stop) {
        try {
          const b = await k.req('POST', '/v1/baskets', {});
          await k.req('POST', `/v1/baskets/${b.body.data.basket_id}/lines`, { code: MILK, quantity: 2 });
          const o = await k.req('POST', '/v1/orders', { basket_id: b.body.data.basket_id });
          const t = await k.req('POST', `/v1/orders/${o.body.data.order_id}/tenders`, {});
          if (t.body?.data?.order_status === 'completed') seenCompleted.push(t.body.data.order_id);
        } catch (err) {
          if (!stop) failures.push(String(err));
          return; // the hub died under us
        }
      }
    };
    const loops = kiosks.map(shop);
    while (seenCompleted.length < 25 && failures.length === 0) await sleep(10);
    expect(failures).toEqual([]);
    await sleep(120); // land the kill between completions, while tenders are with the terminal
    await hub.stop('SIGKILL');
    stop = true;
    await Promise.all(loops);

    const pre = new Database(path.join(dir, 'kassa-hub.sqlite'), { readonly: true });
    const pendingAtKill = (
      pre.prepare(`SELECT COUNT(*) AS n FROM tenders WHERE status = 'pending'`).get() as any
    ).n;
    pre.close();
    console.log(
      `kill -9 after ${seenCompleted.length} completions seen; ${pendingAtKill} tender(s) in flight`,
    );
    const again = await startHubProcess(dir);
    hubs.push(again);
    const db = new Database(path.join(dir, 'kassa-hub.sqlite'), { readonly: true });
    try {
      // Recovery runs in the background: wait until no tender is pending.
      while ((db.prepare(`SELECT COUNT(*) AS n FROM tenders WHERE status = 'pending'`).get() as any).n > 0)
        await sleep(20);
      for (const id of seenCompleted) {
        const rows = db
          .prepare(
            `SELECT order_status, receipt_number, transaction_id_poslog FROM orders WHERE order_id = ?`,
          )
          .all(id) as any[];
        expect(rows).toHaveLength(1);
        expect(rows[0].order_status).toBe('completed');
        const ev = db
          .prepare(`SELECT COUNT(*) AS n FROM outbox WHERE type = 'order.completed' AND key = ?`)
          .get(id) as any;
        expect(ev.n).toBe(1);
      }
      // Nothing half-written: every completed order has numbers, a receipt, a full capture and one event;
      // every order still open has captured less than its total.
      const completed = db
        .prepare(
          `SELECT o.order_id, o.total, p.captured_amount, p.status FROM orders o JOIN payments p USING (order_id) WHERE o.order_status = 'completed'`,
        )
        .all() as any[];
      for (const o of completed) {
        expect(o.captured_amount).toBe(o.total);
        expect(o.status).toBe('captured');
        expect(
          (db.prepare(`SELECT COUNT(*) AS n FROM receipts WHERE order_id = ?`).get(o.order_id) as any).n,
        ).toBe(1);
      }
      const events = (
        db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE type = 'order.completed'`).get() as any
      ).n;
      expect(events).toBe(completed.length);
      const open = db
        .prepare(
          `SELECT o.order_id, o.total, p.captured_amount FROM orders o JOIN payments p USING (order_id) WHERE o.order_status = 'created'`,
        )
        .all() as any[];
      for (const o of open) expect(o.captured_amount).toBeLessThan(o.total);
      // Every approval the terminal gave is captured at the hub (recovered if the hub missed it).
      const sim = new Database(path.join(dir, 'simulator', 'terminal.sqlite'), { readonly: true });
      const approved = sim.prepare(`SELECT tender_id FROM txns WHERE state = 'approved'`).all() as {
        tender_id: string;
      }[];
      sim.close();
      for (const a of approved) {
        const t = db.prepare(`SELECT status FROM tenders WHERE tender_id = ?`).get(a.tender_id) as any;
        expect(t?.status).toBe('captured');
      }
      const poslogs = db
        .prepare(`SELECT transaction_id_poslog AS n FROM orders WHERE transaction_id_poslog IS NOT NULL`)
        .all() as any[];
      expect(new Set(poslogs.map((r) => r.n)).size).toBe(poslogs.length);
    } finally {
      db.close();
    }
    await again.stop();
  }, 120_000);
});

describe('fuzzing the HTTP API', () => {
  it('answers random bodies with structured errors and stays up', async () => {
    const dir = tempDataDir();
    expect(importFile(dir).code).toBe(0);
    const hub = await startHubProcess(dir);
    hubs.push(hub);
    const { client } = await pairKiosk(hub.url, hub.pairingCode);
    const b = await client.req('POST', '/v1/baskets', {});
    const basket = b.body.data.basket_id as string;
    const paths = [
      ['POST', `/v1/baskets/${basket}/lines`],
      ['PATCH', `/v1/baskets/${basket}/lines/x`],
      ['POST', '/v1/orders'],
      ['POST', '/v1/orders/nope/tenders'],
      ['POST', '/v1/orders/nope/abort'],
      ['POST', '/v1/kiosk-sessions'],
      ['POST', '/v1/help-requests'],
      ['POST', '/v1/devices/pair'],
      ['POST', '/v1/staff/sessions'],
      ['POST', '/v1/replication/baskets/push'],
      ['POST', `/v1/baskets/${basket}/verification`],
      ['GET', '/v1/replication/items/pull?updatedAt=abc&limit=-1'],
    ] as const;
    const bodyArb = fc.oneof(
      fc.json().map((j) => ({ raw: j })),
      fc.string().map((s) => ({ raw: s })),
      fc
        .record({
          code: fc.oneof(fc.string(), fc.integer(), fc.constant(MILK)),
          quantity: fc.oneof(fc.integer(), fc.double(), fc.string()),
        })
        .map((o) => ({ raw: JSON.stringify(o) })),
      fc
        .record({
          basket_id: fc.oneof(fc.constant(basket), fc.string()),
          amount: fc.string(),
          simulate: fc.string(),
        })
        .map((o) => ({ raw: JSON.stringify(o) })),
      fc.anything().map((v) => ({ raw: JSON.stringify(v) ?? 'null' })),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), bodyArb, async ([method, p], body) => {
        const r = await client.req(method, p, undefined, {
          raw: method === 'GET' ? undefined : body.raw,
          key: method === 'GET' ? null : `fz-${++n}`,
        });
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) expect(typeof r.body.error.code).toBe('string');
      }),
      { numRuns: 400 },
    );
    const h = await fetch(`${hub.url}/healthz`);
    expect(h.status).toBe(200);
    expect(hub.proc.exitCode).toBeNull();
  }, 120_000);
});

describe('a shopper walks away after a partial tender', () => {
  it('voids the captured partial and cancels the order once the payment session times out', async () => {
    const dir = tempDataDir();
    expect(importFile(dir).code).toBe(0);
    const hub = await startHubProcess(dir, ['--payment-session-timeout-ms', '400']);
    hubs.push(hub);
    const { client } = await pairKiosk(hub.url, hub.pairingCode);
    const b = await client.req('POST', '/v1/baskets', {});
    await client.req('POST', `/v1/baskets/${b.body.data.basket_id}/lines`, { code: MILK, quantity: 2 });
    const o = await client.req('POST', '/v1/orders', { basket_id: b.body.data.basket_id });
    const p = await client.req('POST', `/v1/orders/${o.body.data.order_id}/tenders`, { simulate: 'partial' });
    expect(p.body.data.payment.status).toBe('partial_captured');
    let order = p.body.data;
    while (order.order_status === 'created') {
      await sleep(50);
      order = (await client.req('GET', `/v1/orders/${o.body.data.order_id}`)).body.data;
    }
    expect(order.order_status).toBe('cancelled');
    expect(order.payment.captured_amount).toBe('0.00');
    expect(order.payment.tenders[0].status).toBe('voided');
    const basket = (await client.req('GET', `/v1/baskets/${b.body.data.basket_id}`)).body.data;
    expect(basket.state).toBe('active');
    await hub.stop();
  }, 60_000);
});
