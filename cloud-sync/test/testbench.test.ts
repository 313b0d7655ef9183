import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldStream } from '../src/testbench';
import type { DashHarness } from './dashboard-support/server';
import { addUser, Client, startDashboard } from './dashboard-support/server';
import { STORE, seedHistory } from './dashboard-support/fixtures';

async function waitRun(c: Client, id: string) {
  for (;;) {
    const r = await c.req('GET', `/v1/dashboard/testbench/runs/${id}`);
    if (!['queued', 'running'].includes(r.body.status)) return r.body;
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe('promotion test bench (worker thread, past order snapshots, promo-core)', () => {
  let h: DashHarness;
  let c: Client;
  let live: Record<string, unknown>[];
  let orders = 0;
  beforeAll(async () => {
    h = await startDashboard();
    await h.dash.start?.();
    orders = (await seedHistory(h.opened.db, { perDay: 25 })).orders;
    await addUser(h.db, 'ana', 'analyst');
    await addUser(h.db, 'olu', 'store-ops');
    c = new Client(h.url);
    await c.signIn('ana');
    live = (await c.req('GET', `/v1/dashboard/publishing/live?store_id=${STORE}`)).body.promotions;
  });
  afterAll(async () => h?.close());

  const params = (promotions: unknown[]) => ({
    store_ids: [STORE],
    from: '2026-03-01',
    to: '2026-03-02',
    draft: { source: 'edited_live', promotions },
  });

  it('the live set as the draft changes nothing', async () => {
    const start = await c.req('POST', '/v1/dashboard/testbench/runs', params(live));
    expect(start.status).toBe(202);
    const run = await waitRun(c, start.body.run_id);
    expect(run.status).toBe('done');
    expect(run.result.baskets).toBe(orders);
    expect(run.result.baskets_changed).toBe(0);
    expect(run.result.revenue_delta_minor).toBe('0');
    expect(run.done).toBe(run.total);
  });

  it('a deeper discount on a busy promotion shows its baskets, a negative delta and a per-line diff', async () => {
    // The promotion that touched most live baskets (from a first run) gets a 60 % discount instead.
    const first = await waitRun(
      c,
      (await c.req('POST', '/v1/dashboard/testbench/runs', params(live))).body.run_id,
    );
    const busiest =
      first.result.promotions.filter((p: { promo_id: string }) => {
        const doc = live.find((l) => l.id === p.promo_id);
        return doc && doc.discount_type === 'p';
      })[0] ?? first.result.promotions[0];
    expect(busiest).toBeDefined();
    const draft = live.map((p) =>
      p.id === busiest.promo_id ? { ...p, discount_type: 'p', discount_value: '60' } : p,
    );
    const run = await waitRun(
      c,
      (await c.req('POST', '/v1/dashboard/testbench/runs', params(draft))).body.run_id,
    );
    expect(run.status).toBe('done');
    expect(run.result.baskets_changed).toBeGreaterThan(0);
    expect(BigInt(run.result.revenue_delta_minor)).toBeLessThan(0n);
    expect(BigInt(run.result.discount_delta_minor)).toBeGreaterThan(0n);
    const impact = run.result.promotions.find((p: { promo_id: string }) => p.promo_id === busiest.promo_id);
    expect(impact.baskets_draft).toBeGreaterThan(0);
    expect(BigInt(impact.discount_delta_minor)).toBeGreaterThan(0n);
    const top = run.result.most_changed[0];
    expect(BigInt(top.delta_minor)).toBeLessThan(0n);
    expect(
      top.lines.some(
        (l: { live: { payable_minor: string }; draft: { payable_minor: string } }) =>
          l.live.payable_minor !== l.draft.payable_minor,
      ),
    ).toBe(true);
    // Largest change first.
    const abs = run.result.most_changed.map((b: { delta_minor: string }) =>
      BigInt(b.delta_minor) < 0n ? -BigInt(b.delta_minor) : BigInt(b.delta_minor),
    );
    for (let i = 1; i < abs.length; i++) expect(abs[i - 1] >= abs[i]).toBe(true);
    // Removing every promotion gives back exactly the live discount total.
    const none = await waitRun(
      c,
      (await c.req('POST', '/v1/dashboard/testbench/runs', params([]))).body.run_id,
    );
    const liveDiscount = first.result.promotions.reduce(
      (s: bigint, p: { discount_live_minor: string }) => s + BigInt(p.discount_live_minor),
      0n,
    );
    expect(BigInt(none.result.discount_delta_minor)).toBe(-liveDiscount);
  });

  it('can be cancelled while it runs, and a second run waits its turn (409)', async () => {
    // Cancelled at once: the run is still loading its orders or replaying them in the worker.
    const p = params(live);
    const start = await c.req('POST', '/v1/dashboard/testbench/runs', p);
    expect(start.status).toBe(202);
    const busy = await c.req('POST', '/v1/dashboard/testbench/runs', p);
    expect(busy.status).toBe(409);
    const cancel = await c.req('POST', `/v1/dashboard/testbench/runs/${start.body.run_id}/cancel`, {});
    expect(cancel.status).toBe(200);
    const run = await waitRun(c, start.body.run_id);
    expect(run.status).toBe('cancelled');
    expect(run.result).toBeNull();
    expect((await c.req('POST', `/v1/dashboard/testbench/runs/${start.body.run_id}/cancel`, {})).status).toBe(
      409,
    );
  });

  it('rejects a draft promo-core refuses (400 with the problems) and roles without the bench (403)', async () => {
    const bad = await c.req('POST', '/v1/dashboard/testbench/runs', params([{ id: 'X', family: 'q' }]));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('DRAFT_INVALID');
    expect(bad.body.error.details.issues.length).toBeGreaterThan(0);
    const wrong = await c.req('POST', '/v1/dashboard/testbench/runs', {
      ...params(live),
      from: '2026-04-01',
    });
    expect(wrong.status).toBe(400);
    const ops = new Client(h.url);
    await ops.signIn('olu');
    expect((await ops.req('POST', '/v1/dashboard/testbench/runs', params(live))).status).toBe(403);
  });

  it('folding published messages: the latest snapshot at or below the version, then its deltas (property)', () => {
    const item = (id: number, v: number) => ({ item_id: `i${id}`, base_price: `${v}.00` });
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('snapshot' as const),
              ids: fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 8 }),
            }),
            fc.record({
              kind: fc.constant('delta' as const),
              ups: fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 4 }),
              dels: fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 3 }),
            }),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        fc.integer({ min: 1, max: 12 }),
        (ops, at) => {
          // The model: apply versions 1..at in order, with the state a hub would have.
          const model = new Map<string, unknown>();
          const msgs = ops.map((o, i) => {
            const v = i + 1;
            return o.kind === 'snapshot'
              ? { type: 'catalog.snapshot', stream_version: v, items: o.ids.map((id) => item(id, v)) }
              : {
                  type: 'catalog.delta',
                  stream_version: v,
                  upserts: o.ups.map((id) => item(id, v)),
                  deletes: o.dels.filter((d) => !o.ups.includes(d)).map((d) => `i${d}`),
                };
          });
          for (const m of msgs.slice(0, at)) {
            if (m.type === 'catalog.snapshot') {
              model.clear();
              for (const d of m.items!) model.set(d.item_id, d);
            } else {
              for (const d of m.upserts!) model.set(d.item_id, d);
              for (const d of m.deletes!) model.delete(d);
            }
          }
          const got = foldStream('catalog', msgs, at);
          expect(Object.fromEntries(got.docs)).toEqual(Object.fromEntries(model));
          expect(got.version).toBe(Math.min(at, msgs.length));
        },
      ),
      { numRuns: 200 },
    );
  });
});
