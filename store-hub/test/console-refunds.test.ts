/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Refunds against the real hub process (issue 12): an order paid by two cards refunded back to
 * each card up to what it paid (largest first), the store's refund policy (return window,
 * partial refunds, methods) enforced with clear 4xx answers, and a refund left in progress by a
 * SIGKILLed hub settled from the terminal's journal on restart — never paid twice, never lost.
 */
import Database from 'better-sqlite3';
import { refundV1 } from '@kassa/cloud-sync/protocol';
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

const COLA = '5000000000031'; // 0.99, standard VAT, prices include tax
/** The simulator decides card payments and `delay` refunds after this long: time to kill the hub. */
const DECIDE_MS = 1500;

let hub: RunningHub;
let dataDir: string;
let kiosk: Client;
let kioskDeviceId: string;
let staff: Client;

const hubArgs = ['--sim-decide-ms', String(DECIDE_MS)];

async function signInStaff(url: string): Promise<Client> {
  const c = new Client(url);
  const r = await c.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  c.token = r.body.data.token;
  return c;
}

async function start(env: Record<string, string> = {}): Promise<void> {
  hub = await startHubProcess(dataDir, hubArgs, env);
  kiosk = new Client(hub.url, kiosk?.token ?? '');
  staff = await signInStaff(hub.url);
}

/** An order of `n` colas paid by cards of these amounts (the last one takes what is left). */
async function orderPaidBy(n: number, cards: string[]): Promise<{ orderId: string; tenders: string[] }> {
  const b = await kiosk.req('POST', '/v1/baskets', {});
  expect(b.status).toBe(201);
  const basketId = b.body.data.basket_id;
  expect((await kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: COLA, quantity: n })).status).toBe(
    201,
  );
  const o = await kiosk.req('POST', '/v1/orders', { basket_id: basketId });
  expect(o.status).toBe(201);
  const orderId = o.body.data.order_id;
  const tenders: string[] = [];
  for (const [i, amount] of cards.entries()) {
    const t = await kiosk.req('POST', `/v1/orders/${orderId}/tenders`, {
      ...(i < cards.length - 1 ? { amount } : {}),
      simulate: 'approve',
    });
    expect(t.status).toBeLessThan(300);
    for (;;) {
      const g = await kiosk.req('GET', `/v1/orders/${orderId}`);
      const last = g.body.data.payment.tenders.at(-1);
      if (last?.status === 'captured') {
        tenders.push(last.tender_id);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const g = await kiosk.req('GET', `/v1/orders/${orderId}`);
  expect(g.body.data.order_status).toBe('completed');
  return { orderId, tenders };
}

const line = async (orderId: string) =>
  (await staff.req('GET', `/v1/console/orders/${orderId}/refundable`)).body.data.lines[0];

/** What the terminal simulator's journal says went back to each tender. */
function terminalRefunds(): { ref: string; tender_id: string; amount: string; state: string }[] {
  const sim = new Database(path.join(dataDir, 'simulator', 'terminal.sqlite'), { readonly: true });
  try {
    return sim
      .prepare(`SELECT ref, tender_id, amount, state FROM refunds ORDER BY started_at`)
      .all() as any[];
  } finally {
    sim.close();
  }
}

function hubDb<T>(f: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'kassa-hub.sqlite'));
  try {
    return f(db);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dataDir = tempDataDir();
  const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  doc.store_config.refund_policy = { return_window_days: 30 };
  doc.staff = [
    {
      username: 'manager',
      display_name: 'Manager',
      retailer_staff_id: '7001', // a cash shift needs it (finishing a held refund in cash)
      pin: '123456',
      password: 'manager-pass-1',
      permissions: { can_refund: true, can_import: true, can_approve_age: true },
    },
  ];
  const file = path.join(dataDir, 'store.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  expect(importFile(dataDir, file).code).toBe(0);
  hub = await startHubProcess(dataDir, hubArgs);
  ({ client: kiosk, deviceId: kioskDeviceId } = await pairKiosk(hub.url, hub.pairingCode, 'K1'));
  staff = await signInStaff(hub.url);
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  removeTempDirs();
});

describe('refunds across card tenders', { timeout: 60_000 }, () => {
  it('refunds an order paid by two cards back to each card up to what it paid, largest first', async () => {
    const { orderId, tenders } = await orderPaidBy(10, ['6.00', 'rest']); // 9.90 = 6.00 + 3.90
    const l = await line(orderId);
    // 4 units: 3.96, all to the larger card.
    const preview = await staff.req('POST', '/v1/console/refunds/preview', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 4 }],
      method: 'card',
    });
    expect(preview.status).toBe(200);
    expect(preview.body.data.parts.map((p: any) => p.amount)).toEqual(['3.96']);
    const r1 = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 4 }],
      method: 'card',
      reason: 'damaged',
    });
    expect(r1.body.data).toMatchObject({ status: 'REFUNDED', amount: '3.96' });
    // 4 more: 3.96 again; the 3.90 card now has more left than the first (2.04), so it goes first.
    const r2 = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 4 }],
      method: 'card',
      reason: 'damaged',
    });
    expect(r2.body.data.status).toBe('REFUNDED');
    expect(r2.body.data.parts.map((p: any) => [p.amount, p.status])).toEqual([
      ['3.90', 'REFUNDED'],
      ['0.06', 'REFUNDED'],
    ]);
    // The last 2 units (1.98) fit only on the first card (1.98 left there).
    const r3 = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 2 }],
      method: 'card',
      reason: 'damaged',
    });
    expect(r3.body.data.parts.map((p: any) => p.amount)).toEqual(['1.98']);
    const sum = (t: string) =>
      terminalRefunds()
        .filter((x) => x.tender_id === t && x.state === 'approved')
        .reduce((a, x) => a + Number(x.amount), 0);
    expect(sum(tenders[0]!)).toBe(600); // exactly what each card paid, in minor units
    expect(sum(tenders[1]!)).toBe(390);
    const detail = (await staff.req('GET', `/v1/console/orders/${orderId}`)).body.data;
    expect(detail.order_status).toBe('refunded');
    // The receipt of the split refund names both card tenders.
    const receipt = hubDb(
      (db) =>
        db.prepare(`SELECT receipt_text FROM refunds WHERE refund_id = ?`).get(r2.body.data.refund_id) as any,
    ).receipt_text as string;
    expect(receipt).toMatch(/3\.90/);
    expect(receipt).toMatch(/0\.06/);
    // Nothing is left to refund on either card.
    const more = await staff.req('POST', '/v1/console/refunds/preview', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 1 }],
      method: 'card',
    });
    expect(more.status).toBe(422);
  });
});

describe('a split refund whose second card declines', { timeout: 60_000 }, () => {
  it('keeps what went back to the first card, holds the lines and says what went where', async () => {
    const { orderId, tenders } = await orderPaidBy(10, ['6.00', 'rest']);
    const l = await line(orderId);
    const r = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 10 }],
      method: 'card',
      reason: 'whole order',
      simulate: 'decline_rest',
    });
    expect(r.status).toBe(201);
    // Money went back to the first card and cannot be taken back: the refund is neither done
    // nor failed, and its lines stay held so nobody refunds them a second time.
    expect(r.body.data.status).toBe('PROCESSING');
    expect(r.body.data.parts.map((p: any) => [p.amount, p.status])).toEqual([
      ['6.00', 'REFUNDED'],
      ['3.90', 'FAILED'],
    ]);
    expect(r.body.data.failure).toMatch(/^incomplete: 6\.00 went back to .*; 3\.90 to .* failed/);
    expect(await line(orderId)).toMatchObject({ refundable_quantity: 0, processing_quantity: 10 });
    const again = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 1 }],
      method: 'cash',
      reason: 'retry',
    });
    expect(again.status).toBe(422);
    const approved = terminalRefunds().filter((x) => tenders.includes(x.tender_id) && x.state === 'approved');
    expect(approved.map((x) => [x.tender_id, x.amount])).toEqual([[tenders[0], '600']]);
  });
});

describe('finishing a held split refund', { timeout: 60_000 }, () => {
  /** An order of 10 colas (9.90) paid 6.00 + 3.90, refunded whole; the second card declines. */
  async function held(): Promise<{ orderId: string; tenders: string[]; refundId: string; lineId: string }> {
    const { orderId, tenders } = await orderPaidBy(10, ['6.00', 'rest']);
    const l = await line(orderId);
    const r = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 10 }],
      method: 'card',
      reason: 'whole order',
      simulate: 'decline_rest',
    });
    expect(r.body.data.status).toBe('PROCESSING');
    return { orderId, tenders, refundId: r.body.data.refund_id, lineId: l.line_id };
  }
  const approvedTo = (t: string) =>
    terminalRefunds()
      .filter((x) => x.tender_id === t && x.state === 'approved')
      .reduce((a, x) => a + Number(x.amount), 0);

  it('pays the rest in cash: the order is refunded in full, audited, in the outbox; finishing again is a 409', async () => {
    const shift = await staff.req('POST', '/v1/console/shifts', {
      device_id: kioskDeviceId,
      denominations: { '10.00': 2 },
    });
    expect(shift.status, JSON.stringify(shift.body)).toBe(201);
    const { orderId, tenders, refundId, lineId } = await held();
    const f = await staff.req('POST', `/v1/console/refunds/${refundId}/finish`, {
      action: 'cash',
      reason: 'card declined, customer takes cash',
    });
    expect(f.status).toBe(200);
    expect(f.body.data.status).toBe('REFUNDED');
    expect(f.body.data.amount).toBe('9.90');
    expect(f.body.data.parts.map((p: any) => [p.method, p.amount, p.status])).toEqual([
      ['card', '6.00', 'REFUNDED'],
      ['card', '3.90', 'FAILED'],
      ['cash', '3.90', 'REFUNDED'],
    ]);
    expect(f.body.data.refund_poslog).toMatch(/^\d+$/);
    const detail = (await staff.req('GET', `/v1/console/orders/${orderId}`)).body.data;
    expect(detail.order_status).toBe('refunded');
    expect(await line(orderId)).toMatchObject({
      line_id: lineId,
      refunded_quantity: 10,
      processing_quantity: 0,
      refundable_quantity: 0,
    });
    // Exactly what each card paid went back to it, the rest in cash, nothing twice.
    expect(approvedTo(tenders[0]!)).toBe(600);
    expect(approvedTo(tenders[1]!)).toBe(0);
    const { events, audit, cash } = hubDb((db) => ({
      events: db
        .prepare(`SELECT type FROM outbox WHERE key = ? AND type LIKE 'refund.%' ORDER BY hub_seq`)
        .all(orderId) as any[],
      audit: db
        .prepare(`SELECT action, what, why FROM audit_log WHERE subject = ? AND action = 'refund.finish'`)
        .all(orderId) as any[],
      cash: db
        .prepare(
          `SELECT SUM(CAST(amount AS INTEGER)) AS s FROM refund_parts WHERE refund_id = ? AND method = 'cash' AND status = 'REFUNDED'`,
        )
        .get(refundId) as any,
    }));
    expect(events.map((e) => e.type)).toEqual(['refund.completed']);
    // HQ's contract for the event reads it (cloud-sync protocol refundV1).
    const env = hubDb(
      (db) =>
        db
          .prepare(`SELECT envelope FROM outbox WHERE key = ? AND type = 'refund.completed'`)
          .get(orderId) as any,
    );
    const hq = refundV1.safeParse(JSON.parse(env.envelope).data);
    expect(hq.error?.issues ?? []).toEqual([]);
    expect(hq.data).toMatchObject({ total: '9.90', transaction_id_poslog: f.body.data.refund_poslog });
    expect((hq.data as any).tenders.map((t: any) => [t.method, t.amount, t.status])).toEqual([
      ['CARD_TERMINAL', '6.00', 'REFUNDED'],
      ['CARD_TERMINAL', '3.90', 'FAILED'],
      ['CASH', '3.90', 'REFUNDED'],
    ]);
    expect(audit).toHaveLength(1);
    expect(audit[0].what).toMatch(/paid the rest, 3\.90, in cash/);
    expect(audit[0].why).toBe('card declined, customer takes cash');
    expect(cash.s).toBe(390);
    const again = await staff.req('POST', `/v1/console/refunds/${refundId}/finish`, {
      action: 'cash',
      reason: 'twice',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('REFUND_NOT_HELD');
    expect(again.body.error.message).toBe('this refund is already finished');
  });

  it('holds a refund over three cards whose second declines, and pays both unpaid parts in cash', async () => {
    const { orderId, tenders } = await orderPaidBy(10, ['4.00', '3.00', 'rest']); // 2.90 last
    const l = await line(orderId);
    const r = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 10 }],
      method: 'card',
      reason: 'whole order',
      simulate: 'decline_rest',
    });
    expect(r.body.data.status).toBe('PROCESSING');
    expect(r.body.data.parts.map((p: any) => [p.amount, p.status])).toEqual([
      ['4.00', 'REFUNDED'],
      ['3.00', 'FAILED'],
      ['2.90', 'FAILED'],
    ]);
    expect(r.body.data.failure).toMatch(/^incomplete: /);
    const f = await staff.req('POST', `/v1/console/refunds/${r.body.data.refund_id}/finish`, {
      action: 'cash',
      reason: 'cards declined',
    });
    expect(f.body.data.status).toBe('REFUNDED');
    expect(f.body.data.parts.at(-1)).toMatchObject({ method: 'cash', amount: '5.90', status: 'REFUNDED' });
    expect(approvedTo(tenders[0]!)).toBe(400);
    // The third card was never asked (its part was not sent).
    expect(terminalRefunds().filter((x) => x.tender_id === tenders[2])).toEqual([]);
  });

  it('retries the rest on the card that declined', async () => {
    const { tenders, refundId } = await held();
    const f = await staff.req('POST', `/v1/console/refunds/${refundId}/finish`, {
      action: 'retry',
      reason: 'customer tries the card again',
      simulate: 'approve',
    });
    expect(f.status).toBe(200);
    expect(f.body.data.status).toBe('REFUNDED');
    expect(f.body.data.parts.map((p: any) => [p.method, p.amount, p.status])).toEqual([
      ['card', '6.00', 'REFUNDED'],
      ['card', '3.90', 'FAILED'],
      ['card', '3.90', 'REFUNDED'],
    ]);
    expect(approvedTo(tenders[0]!)).toBe(600);
    expect(approvedTo(tenders[1]!)).toBe(390);
  });

  it('cancels the rest: done at what went back, the units free again with only the unpaid money on them', async () => {
    const { orderId, tenders, refundId, lineId } = await held();
    const f = await staff.req('POST', `/v1/console/refunds/${refundId}/finish`, {
      action: 'cancel',
      reason: 'customer will come back',
    });
    expect(f.status).toBe(200);
    expect(f.body.data).toMatchObject({ status: 'REFUNDED', amount: '6.00' });
    expect(f.body.data.failure).toBe('rest cancelled: 3.90 was not paid back');
    expect(await line(orderId)).toMatchObject({
      refundable_quantity: 10,
      refundable_amount: '3.90',
      processing_quantity: 0,
    });
    // A later refund of every unit pays back only what is still owed, to the card that has it left.
    const r = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: lineId, quantity: 10 }],
      method: 'card',
      reason: 'came back',
    });
    expect(r.body.data).toMatchObject({ status: 'REFUNDED', amount: '3.90' });
    expect(approvedTo(tenders[0]!)).toBe(600);
    expect(approvedTo(tenders[1]!)).toBe(390);
    const more = await staff.req('POST', '/v1/console/refunds/preview', {
      order_id: orderId,
      lines: [{ line_id: lineId, quantity: 1 }],
    });
    expect(more.status).toBe(422);
  });
});

describe('refund policy (§1.1 refund_policy)', { timeout: 60_000 }, () => {
  it('refuses an order sold before the return window with a sentence naming the window', async () => {
    const { orderId } = await orderPaidBy(1, ['all']);
    const l = await line(orderId);
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    hubDb((db) => db.prepare(`UPDATE orders SET completed_at = ? WHERE order_id = ?`).run(old, orderId));
    const r = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 1 }],
      method: 'card',
      reason: 'late',
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('RETURN_WINDOW_PASSED');
    expect(r.body.error.message).toMatch(/30 days after the sale/);
    expect(r.body.error.details.return_window_days).toBe(30);
  });

  it('keeps refund_policy and the other §1.1 fields through an import and enforces them', async () => {
    const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const config = {
      ...doc.store_config,
      denominations: ['20.00', '10.00', '5.00', '1.00', '0.50', '0.10'],
      refund_policy: {
        partial_allowed: false,
        cash_allowed: false,
        card_allowed: true,
        return_window_days: 30,
      },
      random_verification_rate: '2.5',
      price_override_max_percent: '20',
      config_version: 2,
    };
    const imp = await staff.req('POST', '/v1/catalog/import', { store_config: config });
    expect(imp.status).toBe(200);
    const stored = hubDb(
      (db) => db.prepare(`SELECT doc FROM store_config`).get() as { doc: string } | undefined,
    );
    const kept = JSON.parse(stored!.doc);
    expect(kept.refund_policy).toEqual(config.refund_policy);
    expect(kept.denominations).toEqual(config.denominations);
    expect(kept.random_verification_rate).toBe('2.5');
    expect(kept.price_override_max_percent).toBe('20');
    // …and the hub reads them typed: the console's denominations and random-check rate.
    const session = (await staff.req('GET', '/v1/console/session')).body.data;
    expect(session.store.denominations).toEqual(config.denominations);
    const exit = (await staff.req('GET', '/v1/console/settings/exit-checks')).body.data;
    expect(exit.random_check_percent).toBe('2.5');

    const { orderId } = await orderPaidBy(3, ['all']);
    const l = await line(orderId);
    const refundable = (await staff.req('GET', `/v1/console/orders/${orderId}/refundable`)).body.data;
    expect(refundable).toMatchObject({ partial_allowed: false, methods: ['card'] });
    const partial = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 1 }],
      method: 'card',
      reason: 'one',
    });
    expect(partial.status).toBe(422);
    expect(partial.body.error.code).toBe('PARTIAL_REFUND_BLOCKED');
    const cash = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 3 }],
      method: 'cash',
      reason: 'all',
    });
    expect(cash.status).toBe(422);
    expect(cash.body.error).toMatchObject({
      code: 'REFUND_METHOD_NOT_ALLOWED',
      message: 'this store does not give refunds in cash',
    });
    const whole = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 3 }],
      method: 'card',
      reason: 'all',
    });
    expect(whole.body.data).toMatchObject({ status: 'REFUNDED', mode: 'F' });
    // Back to a permissive policy for the tests below.
    const back = await staff.req('POST', '/v1/catalog/import', {
      store_config: { ...config, refund_policy: {}, config_version: 3 },
    });
    expect(back.status).toBe(200);
  });
});

describe('a refund left in progress by a SIGKILLed hub', { timeout: 90_000 }, () => {
  /** Starts a refund without waiting, kills the hub once `ready` holds, restarts it. */
  async function killDuring(
    body: Record<string, unknown>,
    ready: () => boolean,
    env: Record<string, string> = {},
    whileDown: () => void = () => undefined,
  ): Promise<string> {
    void staff.req('POST', '/v1/console/refunds', body).catch(() => undefined);
    const t0 = Date.now();
    while (!ready()) {
      if (Date.now() - t0 > 20_000) throw new Error('the refund never reached the state to kill in');
      await new Promise((r) => setTimeout(r, 20));
    }
    await hub.stop('SIGKILL');
    const id = hubDb(
      (db) =>
        db
          .prepare(`SELECT refund_id, status FROM refunds WHERE order_id = ? ORDER BY created_at DESC`)
          .get(body.order_id) as { refund_id: string; status: string },
    );
    expect(id.status).toBe('PROCESSING');
    whileDown();
    await start(env);
    return id.refund_id;
  }

  async function settled(refundId: string): Promise<any> {
    for (;;) {
      const r = (await staff.req('GET', `/v1/console/refunds/${refundId}`)).body.data;
      if (r.status !== 'PROCESSING') return r;
      await new Promise((x) => setTimeout(x, 100));
    }
  }

  const outboxOf = (orderId: string, type: string) =>
    hubDb(
      (db) =>
        db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE type = ? AND key = ?`).get(type, orderId) as {
          n: number;
        },
    ).n;

  it('completes from the terminal’s approval, with one payout per card part', async () => {
    const { orderId, tenders } = await orderPaidBy(10, ['6.00', 'rest']);
    const l = await line(orderId);
    // 10 units = 9.90: two parts (6.00 then 3.90), each approved DECIDE_MS after it started.
    // Killed after the first part was approved and the second sent: one of each kind to recover.
    const refundId = await killDuring(
      {
        order_id: orderId,
        lines: [{ line_id: l.line_id, quantity: 10 }],
        method: 'card',
        reason: 'crash',
        simulate: 'delay',
      },
      () => terminalRefunds().filter((x) => tenders.includes(x.tender_id)).length === 2,
    );
    const r = await settled(refundId);
    expect(r.status).toBe('REFUNDED');
    expect(r.parts.map((p: any) => [p.amount, p.status])).toEqual([
      ['6.00', 'REFUNDED'],
      ['3.90', 'REFUNDED'],
    ]);
    const journal = terminalRefunds().filter((x) => tenders.includes(x.tender_id));
    expect(journal.map((x) => [x.tender_id, x.amount, x.state])).toEqual([
      [tenders[0], '600', 'approved'],
      [tenders[1], '390', 'approved'],
    ]);
    expect(outboxOf(orderId, 'refund.completed')).toBe(1);
    expect((await line(orderId)).refunded_quantity).toBe(10);
    expect((await staff.req('GET', `/v1/console/orders/${orderId}`)).body.data.order_status).toBe('refunded');
  });

  it('a refund the terminal never finishes is cancelled there and marked failed; the line can be refunded again', async () => {
    const { orderId, tenders } = await orderPaidBy(2, ['all']);
    const l = await line(orderId);
    const refundId = await killDuring(
      {
        order_id: orderId,
        lines: [{ line_id: l.line_id, quantity: 2 }],
        method: 'card',
        reason: 'crash',
        simulate: 'timeout',
      },
      () => terminalRefunds().some((x) => x.tender_id === tenders[0]),
      // The restarted hub gives the pending refund 1 s more before it cancels it at the terminal.
      { KASSA_REFUND_TERMINAL_TIMEOUT_MS: '1000' },
    );
    const r = await settled(refundId);
    expect(r.status).toBe('PSP_FAILED');
    expect(r.failure).toMatch(/cancelled/);
    expect(
      terminalRefunds()
        .filter((x) => x.tender_id === tenders[0])
        .map((x) => x.state),
    ).toEqual(['cancelled']);
    expect(outboxOf(orderId, 'refund.failed')).toBe(1);
    expect(outboxOf(orderId, 'refund.completed')).toBe(0);
    expect(await line(orderId)).toMatchObject({ refundable_quantity: 2, processing_quantity: 0 });
    const again = await staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: l.line_id, quantity: 2 }],
      method: 'card',
      reason: 'again',
    });
    expect(again.body.data.status).toBe('REFUNDED');
  });

  it('a refund the terminal never received (the hub stopped first) is marked failed, not sent again', async () => {
    const { orderId, tenders } = await orderPaidBy(1, ['all']);
    const l = await line(orderId);
    const refundId = await killDuring(
      {
        order_id: orderId,
        lines: [{ line_id: l.line_id, quantity: 1 }],
        method: 'card',
        reason: 'crash',
        simulate: 'timeout',
      },
      () => terminalRefunds().some((x) => x.tender_id === tenders[0]),
      {},
      // While the hub is down, forget the request at the terminal: as if the hub died just
      // after committing the part and before the terminal heard of it.
      () => {
        const sim = new Database(path.join(dataDir, 'simulator', 'terminal.sqlite'));
        sim.prepare(`DELETE FROM refunds WHERE tender_id = ?`).run(tenders[0]);
        sim.close();
      },
    );
    const r = await settled(refundId);
    expect(r.status).toBe('PSP_FAILED');
    expect(r.failure).toMatch(/before the terminal was asked/);
    expect(terminalRefunds().filter((x) => x.tender_id === tenders[0])).toEqual([]);
    expect(await line(orderId)).toMatchObject({ refundable_quantity: 1, processing_quantity: 0 });
  });
});
