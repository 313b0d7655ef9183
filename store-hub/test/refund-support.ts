/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A real hub process for refund tests (the refund-*.test.ts files): a kiosk, a manager who may
 * refund and open cash shifts, orders of colas paid by several simulated cards, and reads of the
 * hub's database and of the terminal simulator's journal (what really went back to each card).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { RunningHub } from './harness';
import { Client, FIXTURE, importFile, pairKiosk, startHubProcess, tempDataDir } from './harness';

export const COLA = '5000000000031'; // 0.99, standard VAT, prices include tax
/** The simulator decides card payments and `delay` refunds after this long: time to kill the hub. */
export const DECIDE_MS = 1500;

export class RefundWorld {
  hub!: RunningHub;
  kiosk!: Client;
  kioskDeviceId!: string;
  staff!: Client;
  readonly dataDir = tempDataDir();
  private readonly args: string[];

  /** `decideMs`: longer for crash tests, so a loaded machine still kills the hub before the terminal decides. */
  constructor(decideMs = DECIDE_MS) {
    this.args = ['--sim-decide-ms', String(decideMs)];
  }

  /** Imports the fixture store with `storeConfig` merged in and starts the hub. */
  async setUp(storeConfig: Record<string, unknown> = {}): Promise<void> {
    const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    Object.assign(doc.store_config, storeConfig);
    doc.staff = [
      {
        username: 'manager',
        display_name: 'Manager',
        retailer_staff_id: '7001', // a cash shift needs it
        pin: '123456',
        password: 'manager-pass-1',
        permissions: { can_refund: true, can_import: true, can_approve_age: true },
      },
    ];
    const file = path.join(this.dataDir, 'store.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(importFile(this.dataDir, file).code).toBe(0);
    this.hub = await startHubProcess(this.dataDir, this.args);
    const k = await pairKiosk(this.hub.url, this.hub.pairingCode, 'K1');
    this.kiosk = k.client;
    this.kioskDeviceId = k.deviceId;
    this.staff = await this.signIn();
  }

  /** (Re)starts the hub on the same data directory, keeping the kiosk's token. */
  async start(env: Record<string, string> = {}): Promise<void> {
    this.hub = await startHubProcess(this.dataDir, this.args, env);
    this.kiosk = new Client(this.hub.url, this.kiosk.token);
    this.staff = await this.signIn();
  }

  private async signIn(): Promise<Client> {
    const c = new Client(this.hub.url);
    const r = await c.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    c.token = r.body.data.token;
    return c;
  }

  /** An order of `n` colas paid by cards of these amounts (the last one takes what is left). */
  async orderPaidBy(
    n: number,
    cards: string[],
  ): Promise<{ orderId: string; tenders: string[]; lineId: string }> {
    const b = await this.kiosk.req('POST', '/v1/baskets', {});
    expect(b.status).toBe(201);
    const basketId = b.body.data.basket_id;
    const add = await this.kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: COLA, quantity: n });
    expect(add.status).toBe(201);
    const o = await this.kiosk.req('POST', '/v1/orders', { basket_id: basketId });
    expect(o.status).toBe(201);
    const orderId = o.body.data.order_id;
    const tenders: string[] = [];
    for (const [i, amount] of cards.entries()) {
      const t = await this.kiosk.req('POST', `/v1/orders/${orderId}/tenders`, {
        ...(i < cards.length - 1 ? { amount } : {}),
        simulate: 'approve',
      });
      expect(t.status).toBeLessThan(300);
      for (;;) {
        const g = await this.kiosk.req('GET', `/v1/orders/${orderId}`);
        const last = g.body.data.payment.tenders.at(-1);
        if (last?.status === 'captured') {
          tenders.push(last.tender_id);
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const g = await this.kiosk.req('GET', `/v1/orders/${orderId}`);
    expect(g.body.data.order_status).toBe('completed');
    return { orderId, tenders, lineId: (await this.line(orderId)).line_id };
  }

  async line(orderId: string): Promise<any> {
    return (await this.staff.req('GET', `/v1/console/orders/${orderId}/refundable`)).body.data.lines[0];
  }

  /** What the terminal simulator's journal says went back to each tender, oldest first. */
  terminalRefunds(): { ref: string; tender_id: string; amount: string; state: string }[] {
    const sim = new Database(path.join(this.dataDir, 'simulator', 'terminal.sqlite'), { readonly: true });
    try {
      return sim
        .prepare(`SELECT ref, tender_id, amount, state FROM refunds ORDER BY started_at`)
        .all() as any[];
    } finally {
      sim.close();
    }
  }

  /** Minor units the terminal approved back to a tender. */
  approvedTo(tenderId: string): number {
    return this.terminalRefunds()
      .filter((x) => x.tender_id === tenderId && x.state === 'approved')
      .reduce((a, x) => a + Number(x.amount), 0);
  }

  hubDb<T>(f: (db: Database.Database) => T): T {
    const db = new Database(path.join(this.dataDir, 'kassa-hub.sqlite'));
    try {
      return f(db);
    } finally {
      db.close();
    }
  }

  /** Waits until the refund is no longer in progress, or is held for staff again. */
  async settled(refundId: string): Promise<any> {
    for (;;) {
      const r = (await this.staff.req('GET', `/v1/console/refunds/${refundId}`)).body.data;
      if (r.status !== 'PROCESSING' || (r.failure ?? '').startsWith('incomplete: ')) return r;
      await new Promise((x) => setTimeout(x, 100));
    }
  }

  outboxCount(orderId: string, type: string): number {
    return this.hubDb(
      (db) =>
        db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE type = ? AND key = ?`).get(type, orderId) as {
          n: number;
        },
    ).n;
  }
}
