import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceFaults } from '../src/dashboard-api';
import type { DashHarness } from './dashboard-support/server';
import { addUser, Client, startDashboard } from './dashboard-support/server';
import { STORE, seedHistory } from './dashboard-support/fixtures';

describe('dashboard API over real HQ tables (history ingested through ingestBatch)', () => {
  let h: DashHarness;
  let admin: Client;
  let orders = 0;
  beforeAll(async () => {
    h = await startDashboard();
    await h.dash.start?.();
    orders = (await seedHistory(h.opened.db)).orders;
    await addUser(h.db, 'ada', 'admin');
    await addUser(h.db, 'ana', 'analyst');
    await addUser(h.db, 'mia', 'merchandiser');
    admin = new Client(h.url);
    await admin.signIn('ada');
  });
  afterAll(async () => h?.close());

  it('sales totals equal the orders HQ holds, by store, date, device and payment method', async () => {
    const r = await admin.req('GET', `/v1/dashboard/sales?from=2026-03-01&to=2026-03-02&stores=${STORE}`);
    expect(r.status).toBe(200);
    const sum = await h.db
      .selectFrom('orders')
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.sum<string>('total_minor').as('v')])
      .where('store_id', '=', STORE)
      .executeTakeFirstOrThrow();
    expect(Number(r.body.totals.txn_count)).toBe(orders);
    expect(Number(sum.n)).toBe(orders);
    expect(r.body.totals.value_minor).toBe(String(sum.v));
    expect(r.body.currency).toBe('GBP');
    expect(r.body.by_date.map((d: { key: string }) => d.key)).toEqual(['2026-03-01', '2026-03-02']);
    const byDevice = r.body.by_device.reduce(
      (s: bigint, d: { value_minor: string }) => s + BigInt(d.value_minor),
      0n,
    );
    expect(String(byDevice)).toBe(r.body.totals.value_minor);
    const byMethod = r.body.by_payment_method.reduce(
      (s: bigint, d: { value_minor: string }) => s + BigInt(d.value_minor),
      0n,
    );
    expect(String(byMethod)).toBe(r.body.totals.value_minor);
    // A filter that matches nothing gives zeros, not errors.
    const none = await admin.req('GET', '/v1/dashboard/sales?from=2020-01-01&to=2020-01-02');
    expect(none.body.totals.txn_count).toBe('0');
    // Bad filters are a 400 with a sentence.
    const bad = await admin.req('GET', '/v1/dashboard/sales?from=2026-03-05&to=2026-03-01');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/start date/);
  });

  it('§8.2 KPIs come from the stored events', async () => {
    const r = await admin.req('GET', `/v1/dashboard/kpis?from=2026-03-01&to=2026-03-02`);
    expect(r.status).toBe(200);
    expect(r.body.orders).toBe(orders);
    expect(r.body.scans.total).toBeGreaterThan(orders);
    expect(r.body.payments.attempts).toBeGreaterThanOrEqual(orders);
    expect(r.body.payments.failures).toBe(r.body.payments.attempts - orders);
    if (r.body.scans.failed > 0) expect(r.body.top_unknown_barcodes.length).toBeGreaterThan(0);
  });

  it('order search and detail from the snapshot', async () => {
    const list = await admin.req('GET', `/v1/dashboard/orders?stores=${STORE}&limit=5`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(orders);
    expect(list.body.orders).toHaveLength(5);
    const first = list.body.orders[0];
    const byReceipt = await admin.req('GET', `/v1/dashboard/orders?q=${encodeURIComponent('R-1000')}`);
    expect(byReceipt.body.total).toBe(1);
    const d = await admin.req('GET', `/v1/dashboard/orders/${first.order_id}`);
    expect(d.status).toBe(200);
    expect(d.body.snapshot.order.order_id).toBe(first.order_id);
    expect(d.body.events.map((e: { type: string }) => e.type)).toContain('order.completed');
    expect((await admin.req('GET', '/v1/dashboard/orders/nope')).status).toBe(404);
  });

  it('fleet: last contact, versions applied = published, a printer out of paper, no gaps', async () => {
    const r = await admin.req('GET', '/v1/dashboard/fleet');
    expect(r.status).toBe(200);
    const s = r.body.stores.find((x: { store_id: string }) => x.store_id === STORE);
    expect(s.missing_events).toBe(0);
    expect(s.last_contact_at).not.toBeNull();
    expect(s.streams.map((v: { stream: string; behind: boolean }) => [v.stream, v.behind])).toEqual([
      ['catalog', false],
      ['promotions', false],
      ['tax', false],
    ]);
    expect(s.devices.some((d: { faults: string[] }) => d.faults.includes('printer paper out'))).toBe(true);
    expect(deviceFaults({ kind: 'kiosk', terminal: { state: 'offline' } }, 'online')).toEqual([
      'terminal offline',
    ]);
  });

  it('publishing: a dry run reports rejected rows and the diff; a merchandiser publishes; the audit log records it; an analyst gets 403', async () => {
    const live = await admin.req('GET', `/v1/dashboard/publishing/live?store_id=${STORE}`);
    const promos = live.body.promotions as Record<string, unknown>[];
    expect(promos.length).toBeGreaterThan(10);
    const changed = promos.map((p, i) => (i === 0 ? { ...p, discount_value: '50' } : p)).slice(0, -1);
    const bad = [...changed, { id: 'BROKEN', family: 'zz' }];
    const mia = new Client(h.url);
    await mia.signIn('mia');
    const plan = await mia.req('POST', '/v1/dashboard/publishing/plan', {
      stream: 'promotions',
      store_ids: [STORE],
      format: 'json',
      content: JSON.stringify(bad),
    });
    expect(plan.status).toBe(200);
    expect(plan.body.report.rejected.length).toBeGreaterThan(0);
    expect(plan.body.report.rejected.some((x: { index: number }) => x.index === bad.length - 1)).toBe(true);
    const refused = await mia.req('POST', '/v1/dashboard/publishing/publish', {
      stream: 'promotions',
      store_ids: [STORE],
      format: 'json',
      content: JSON.stringify(bad),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/nothing was published/i);
    const ok = await mia.req('POST', '/v1/dashboard/publishing/plan', {
      stream: 'promotions',
      store_ids: [STORE],
      format: 'json',
      content: JSON.stringify(changed),
    });
    expect(ok.body.report.rejected).toEqual([]);
    expect(ok.body.stores[0].diff.changed).toEqual([String(promos[0]!.id)]);
    expect(ok.body.stores[0].diff.removed).toEqual([String(promos[promos.length - 1]!.id)]);
    const pub = await mia.req('POST', '/v1/dashboard/publishing/publish', {
      stream: 'promotions',
      store_ids: [STORE],
      format: 'json',
      content: JSON.stringify(changed),
    });
    expect(pub.status).toBe(201);
    const list = await mia.req('GET', '/v1/dashboard/publishing/publications');
    const mine = list.body.publications.find((p: { created_by: string }) => p.created_by === 'mia');
    expect(mine).toMatchObject({ store_id: STORE, stream: 'promotions', applied: false });
    const log = await mia.req('GET', '/v1/dashboard/audit-log/publishing');
    expect(log.body.entries.map((e: { outcome: string }) => e.outcome)).toEqual(['ok', 'rejected']);
    const ana = new Client(h.url);
    await ana.signIn('ana');
    expect(
      (
        await ana.req('POST', '/v1/dashboard/publishing/publish', {
          stream: 'promotions',
          store_ids: [STORE],
          format: 'json',
          content: '[]',
        })
      ).status,
    ).toBe(403);
    // An unreadable file is a 400 with a sentence.
    const junk = await mia.req('POST', '/v1/dashboard/publishing/plan', {
      stream: 'catalog',
      store_ids: [STORE],
      format: 'json',
      content: '{oops',
    });
    expect(junk.status).toBe(400);
    expect(junk.body.error.message).toBe('The file is not valid JSON.');
  });

  it('serves the built dashboard with an SPA fallback', async () => {
    const r = await fetch(`${h.url}/dashboard/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toMatch(/<div id="root">/);
    expect((await fetch(`${h.url}/dashboard/some/deep/link`)).status).toBe(200);
  });
});
