/**
 * Rebuilds the §8.1 aggregates and the hub_seq gaps of some stores (or all) from the stored
 * events, with the same projection as the incremental path. Used after a fix to a projection,
 * and by the tests that prove recompute == incremental.
 */
import { sql } from 'kysely';
import type { HqDb } from '../db';
import { int8 } from '../db';
import type { Envelope, OrderSnapshot } from '../protocol';
import { addToAggregates, sumPaymentDelta, sumSalesDelta } from './apply';
import type { PaymentDelta, SalesDelta, StoreInfo } from './projection';
import { analyticsContribution, orderContribution } from './projection';

const PAGE = 2000;

export async function recomputeAggregates(
  db: HqDb,
  storeIds?: readonly string[],
): Promise<{ events: number }> {
  return db.transaction().execute(async (tx) => {
    const stores = await tx
      .selectFrom('stores')
      .select(['store_id', 'timezone', 'currency', 'currency_exponent', 'demo'])
      .$if(storeIds !== undefined, (q) => q.where('store_id', 'in', storeIds!.length ? [...storeIds!] : ['']))
      .execute();
    let n = 0;
    for (const store of stores as StoreInfo[]) {
      await tx.deleteFrom('daily_sales').where('store_id', '=', store.store_id).execute();
      await tx.deleteFrom('daily_sales_payments').where('store_id', '=', store.store_id).execute();
      const sales = new Map<string, SalesDelta>();
      const payments = new Map<string, PaymentDelta>();
      const addSales = (d: SalesDelta) => sumSalesDelta(sales, d);
      const addPayment = (p: PaymentDelta) => sumPaymentDelta(payments, p);
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        // Only the event that created an order counts (a later duplicate completion does not).
        const rows = await tx
          .selectFrom('events as e')
          .leftJoin('orders as o', 'o.event_id', 'e.event_id')
          .select([
            'e.event_id',
            'e.type',
            'e.version',
            'e.store_id',
            'e.device_id',
            'e.occurred_at',
            'e.business_date',
            'e.hub_seq',
            'e.key',
            'e.data',
            'o.order_id',
          ])
          .where('e.store_id', '=', store.store_id)
          .where('e.type', 'in', ['order.completed', 'analytics.event'])
          .where(sql<string>`e.event_id::text`, '>', after)
          .orderBy(sql`e.event_id::text`)
          .limit(PAGE)
          .execute();
        if (rows.length === 0) break;
        for (const r of rows) {
          n++;
          const env = {
            ...r,
            occurred_at: new Date(r.occurred_at).toISOString(),
            hub_seq: Number(r.hub_seq),
          } as unknown as Envelope;
          if (r.type === 'order.completed') {
            if (r.order_id === null) continue;
            const c = orderContribution(env as Envelope<OrderSnapshot>, store);
            c.sales.forEach(addSales);
            c.payments.forEach(addPayment);
          } else analyticsContribution(env as Envelope<never>, store).forEach(addSales);
        }
        after = String(rows[rows.length - 1]!.event_id);
      }
      await addToAggregates(tx, [...sales.values()], [...payments.values()]);
    }
    return { events: n };
  });
}

/** hub_seq gaps recomputed from the stored events (what the incremental bookkeeping must equal). */
export async function gapsFromEvents(db: HqDb, storeId: string): Promise<{ from: bigint; to: bigint }[]> {
  const r = await sql<{ prev: string | null; seq: string }>`
    SELECT lag(hub_seq) OVER (ORDER BY hub_seq) AS prev, hub_seq AS seq
    FROM (SELECT DISTINCT hub_seq FROM events WHERE store_id = ${storeId}) s
    ORDER BY hub_seq`.execute(db);
  const gaps: { from: bigint; to: bigint }[] = [];
  for (const row of r.rows) {
    const prev = row.prev === null ? 0n : int8(row.prev);
    const seq = int8(row.seq);
    if (seq > prev + 1n) gaps.push({ from: prev + 1n, to: seq - 1n });
  }
  return gaps;
}

export async function openGaps(db: HqDb, storeId: string): Promise<{ from: bigint; to: bigint }[]> {
  const rows = await db
    .selectFrom('seq_gaps')
    .select(['from_seq', 'to_seq'])
    .where('store_id', '=', storeId)
    .orderBy('from_seq')
    .execute();
  return rows.map((g) => ({ from: int8(g.from_seq), to: int8(g.to_seq) }));
}
