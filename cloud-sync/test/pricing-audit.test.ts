import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCanonical } from '../src/pricing-audit';
import { ingestBatch } from '../src/ingest';
import { storeEventsTopic } from '../src/protocol';
import { publish } from '../src/publishing';
import { loadStoreDocs } from '../src/testbench';
import type { DashHarness } from './dashboard-support/server';
import { addUser, Client, startDashboard } from './dashboard-support/server';
import { STORE, seedHistory } from './dashboard-support/fixtures';

type Snap = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('pricing audit: HQ re-prices every order under the data version it was sold under', () => {
  let h: DashHarness;
  let c: Client;
  let orders = 0;
  let seq = 100_000;
  beforeAll(async () => {
    h = await startDashboard();
    await h.dash.start?.();
    orders = (await seedHistory(h.opened.db, { perDay: 20 })).orders;
    await addUser(h.db, 'olu', 'store-ops');
    c = new Client(h.url);
    await c.signIn('olu');
  });
  afterAll(async () => h?.close());

  async function ingestVariant(change: (s: Snap) => void): Promise<string> {
    const row = await h.db
      .selectFrom('orders')
      .select('snapshot')
      .where('store_id', '=', STORE)
      .limit(1)
      .executeTakeFirstOrThrow();
    const s = structuredClone(row.snapshot) as Snap;
    const orderId = randomUUID();
    s.order.order_id = orderId;
    change(s);
    const env = {
      event_id: randomUUID(),
      type: 'order.completed',
      version: 1,
      store_id: STORE,
      device_id: 'K1',
      occurred_at: s.order.completed_at,
      business_date: s.order.business_date,
      hub_seq: seq++,
      key: orderId,
      data: s,
    };
    const [out] = await ingestBatch(h.opened.db, [
      {
        topic: storeEventsTopic(STORE),
        partition: 0,
        offset: String(seq),
        key: orderId,
        value: JSON.stringify(env),
      },
    ]);
    expect(out!.status).toBe('applied');
    return orderId;
  }

  it('every generated order agrees, even after HQ has published a newer promotion set', async () => {
    // Publish promotions v2 with every percentage doubled before auditing: the old orders must
    // still be re-priced with v1 (rebuilt from hq_outbox), so nothing differs.
    const docs = (await loadStoreDocs(h.db, STORE))!;
    expect(docs.versions.promotions).toBe(1);
    const v2 = docs.promotions.map((p) => ({
      ...(p as Record<string, unknown>),
      discount_value:
        (p as { discount_type: string }).discount_type === 'p'
          ? '45'
          : (p as { discount_value: string }).discount_value,
    }));
    await publish(h.opened.db, {
      stream: 'promotions',
      mode: 'snapshot',
      store_ids: [STORE],
      document: { promotions: v2 },
    });
    while ((await h.dash.auditor.runOnce()) > 0);
    const r = await c.req('GET', '/v1/dashboard/pricing-audit');
    expect(r.status).toBe(200);
    expect(r.body.counts).toEqual({ match: orders, mismatch: 0, unverifiable: 0 });
  });

  it('a hub figure that differs is a mismatch with the fields, a critical alert and a finding on the page', async () => {
    const id = await ingestVariant((s) => {
      const line = s.audit.priced.lines[0];
      line.payable = (BigInt(line.payable.replace('.', '')) + 10n).toString().replace(/(\d\d)$/, '.$1');
      s.audit.priced.totals.total_after_tax = '999.99';
      s.totals.total_after_tax = '999.99';
    });
    await h.dash.auditor.runOnce();
    const r = await c.req('GET', '/v1/dashboard/pricing-audit?status=mismatch');
    const f = r.body.findings.find((x: { order_id: string }) => x.order_id === id);
    expect(f.status).toBe('mismatch');
    expect(f.differences.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['lines[0].payable', 'totals.total_after_tax']),
    );
    expect(f.hub_total_minor).toBe('99999');
    const alerts = await h.db
      .selectFrom('alerts')
      .selectAll()
      .where('code', '=', 'PRICING_AUDIT_MISMATCH')
      .execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).toContain(id);
    const detail = await c.req('GET', `/v1/dashboard/orders/${id}`);
    expect(detail.body.pricing_audit.status).toBe('mismatch');
    const fleet = await c.req('GET', '/v1/dashboard/fleet');
    expect(fleet.body.alerts.some((a: { code: string }) => a.code === 'PRICING_AUDIT_MISMATCH')).toBe(true);
  });

  it('without a version label HQ uses the versions the hub reported applied before the sale', async () => {
    const id = await ingestVariant((s) => {
      s.audit.data_version = 'hub:12345';
      s.order.data_version = 'hub:12345';
      s.audit.priced.data_version = 'hub:12345';
    });
    await h.dash.auditor.runOnce();
    const row = await h.db
      .selectFrom('pricing_audit')
      .selectAll()
      .where('order_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('match');
    expect(row.data_version).toBe('streams:catalog=1;promotions=1;tax=1');
  });

  it('an order with no basket input is recorded as not checkable, with the reason', async () => {
    const id = await ingestVariant((s) => {
      delete s.audit;
    });
    await h.dash.auditor.runOnce();
    const row = await h.db
      .selectFrom('pricing_audit')
      .selectAll()
      .where('order_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('unverifiable');
    expect(row.reason).toMatch(/no basket input/);
  });

  it('the structural comparison ignores key order and version labels, and names each differing path', () => {
    expect(
      compareCanonical(
        { a: 1, b: { c: '2.00' }, data_version: 'x' },
        { b: { c: '2.00' }, a: 1, data_version: 'y' },
      ),
    ).toEqual([]);
    expect(compareCanonical({ l: [{ p: '1.00' }] }, { l: [{ p: '1.01' }, { p: '0' }] })).toEqual([
      { path: 'l.length', hub: 1, hq: 2 },
      { path: 'l[0].p', hub: '1.00', hq: '1.01' },
    ]);
  });
});
