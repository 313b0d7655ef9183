/**
 * The imperative shell of ingestion: decode a batch of records, write the valid ones in ONE
 * transaction (idempotent by event_id: a replayed event finds its row and changes nothing),
 * and hand back what could not be applied, with the reason, for the dead letters.
 *
 * Per store, rows are serialised with `SELECT … FOR UPDATE` on the store, so two consumers that
 * briefly overlap during a rebalance cannot interleave one store's gap bookkeeping.
 */
import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { HqDb, HqSchema } from '../db';
import { int8 } from '../db';
import type { DeadLetterReason, Envelope, OrderSnapshot } from '../protocol';
import { decodeEvent } from '../protocol';
import type { PaymentDelta, SalesDelta } from './projection';
import { advanceGaps, analyticsContribution, orderContribution } from './projection';

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
}

export type HqDeadLetterCode = DeadLetterReason['code'] | 'APPLY_FAILED' | 'EMPTY_RECORD';
export interface HqDeadLetterReason {
  code: HqDeadLetterCode;
  message: string;
  details: Record<string, unknown>;
}

export type IngestOutcome =
  | { status: 'applied' | 'duplicate'; event_id: string; type: string }
  | { status: 'dead_letter'; reason: HqDeadLetterReason; event_id?: string; store_id?: string };

type Tx = Transaction<HqSchema>;

/** Errors that say the database is unreachable (retry the batch), not that this event is bad. */
export function isTransientDbError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string' && (/^08/.test(e.code) || /^57P/.test(e.code) || e.code === '53300'))
    return true;
  if (typeof e?.code === 'string' && /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH)$/.test(e.code))
    return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|terminating connection/i.test(
    String(e?.message ?? err),
  );
}

export async function ingestBatch(db: HqDb, records: readonly IncomingRecord[]): Promise<IngestOutcome[]> {
  const outcomes: (IngestOutcome | null)[] = records.map(() => null);
  const valid: { i: number; event: Envelope; rec: IncomingRecord }[] = [];
  records.forEach((rec, i) => {
    if (rec.value === null) {
      outcomes[i] = {
        status: 'dead_letter',
        reason: { code: 'EMPTY_RECORD', message: 'the record has no value', details: {} },
      };
      return;
    }
    const r = decodeEvent(rec.value, { topic: rec.topic, direction: 'store_to_cloud' });
    if (r.ok) valid.push({ i, event: r.event, rec });
    else
      outcomes[i] = {
        status: 'dead_letter',
        reason: r.reason,
        ...(r.envelope?.event_id ? { event_id: String(r.envelope.event_id) } : {}),
        ...(r.envelope?.store_id ? { store_id: String(r.envelope.store_id) } : {}),
      };
  });
  if (valid.length > 0) {
    try {
      const done = await db.transaction().execute((tx) =>
        applyEvents(
          tx,
          valid.map((v) => ({ event: v.event, rec: v.rec })),
        ),
      );
      valid.forEach((v, j) => (outcomes[v.i] = done[j]!));
    } catch (err) {
      if (isTransientDbError(err)) throw err;
      // One bad event must not sink the batch: apply them one by one, dead-letter the failures.
      for (const v of valid) {
        try {
          outcomes[v.i] = (
            await db.transaction().execute((tx) => applyEvents(tx, [{ event: v.event, rec: v.rec }]))
          )[0]!;
        } catch (e) {
          if (isTransientDbError(e)) throw e;
          outcomes[v.i] = {
            status: 'dead_letter',
            event_id: v.event.event_id,
            store_id: v.event.store_id,
            reason: {
              code: 'APPLY_FAILED',
              message: `HQ could not store ${v.event.type}: ${String((e as Error).message ?? e).slice(0, 300)}`,
              details: { type: v.event.type, version: v.event.version },
            },
          };
        }
      }
    }
  }
  return outcomes as IngestOutcome[];
}

const key = (...parts: unknown[]) => JSON.stringify(parts);
const PAGE = 500;

/** Multi-row statements in pages (PostgreSQL allows 65,535 parameters per statement). */
async function inPages<T>(rows: readonly T[], fn: (page: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += PAGE) await fn(rows.slice(i, i + PAGE));
}

/**
 * Applies decoded events in the caller's transaction, a batch at a time: one multi-row statement
 * per table instead of a round trip per event, with the same result as applying them one by one
 * in arrival order (duplicates inside the batch included).
 */
export async function applyEvents(
  tx: Tx,
  batch: readonly { event: Envelope; rec: IncomingRecord }[],
): Promise<IngestOutcome[]> {
  const storeIds = [...new Set(batch.map((b) => b.event.store_id))].sort();
  await tx
    .insertInto('stores')
    .values(storeIds.map((store_id) => ({ store_id })))
    .onConflict((oc) => oc.column('store_id').doNothing())
    .execute();
  // Locked in a fixed order, so two consumers overlapping in a rebalance cannot deadlock.
  const storeRows = await tx
    .selectFrom('stores')
    .select(['store_id', 'timezone', 'currency', 'currency_exponent', 'demo', 'max_hub_seq'])
    .where('store_id', 'in', storeIds)
    .orderBy('store_id')
    .forUpdate()
    .execute();
  const stores = new Map(storeRows.map((s) => [s.store_id, { ...s, max_hub_seq: int8(s.max_hub_seq) }]));

  // 1. Event rows: the first copy of an event_id wins, inside the batch and against the table.
  const firstIndex = new Map<string, number>();
  batch.forEach((b, i) => {
    if (!firstIndex.has(b.event.event_id)) firstIndex.set(b.event.event_id, i);
  });
  const candidates = [...firstIndex.values()].map((i) => batch[i]!);
  const inserted = new Set<string>();
  await inPages(candidates, async (page) => {
    const rows = await tx
      .insertInto('events')
      .values(
        page.map(({ event: e, rec }) => ({
          event_id: e.event_id,
          store_id: e.store_id,
          type: e.type,
          version: e.version,
          hub_seq: e.hub_seq,
          key: e.key,
          device_id: e.device_id,
          occurred_at: e.occurred_at,
          business_date: e.business_date,
          data: JSON.stringify(e.data),
          topic: rec.topic,
          partition: rec.partition,
          offset: rec.offset,
        })),
      )
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .execute();
    for (const r of rows) inserted.add(String(r.event_id));
  });
  const fresh = batch.filter(
    (b, i) => inserted.has(b.event.event_id) && firstIndex.get(b.event.event_id) === i,
  );

  // 2. hub_seq gaps per store, in arrival order.
  if (fresh.length > 0)
    await trackSequences(
      tx,
      stores,
      fresh.map((f) => f.event),
    );

  // 3. Read models.
  const orderCandidates = new Map<
    string,
    { e: Envelope<OrderSnapshot>; c: ReturnType<typeof orderContribution> }
  >();
  const sales: SalesDelta[] = [];
  const payments: PaymentDelta[] = [];
  const heartbeats = new Map<string, Envelope<{ device_id: string; status: string }>>();
  const alerts: Envelope<{ code: string; severity: string; message?: string; context: unknown }>[] = [];
  const applied = new Map<
    string,
    { store_id: string; stream: string; version: number; applied_at: string }
  >();
  for (const { event: e } of fresh) {
    const store = stores.get(e.store_id)!;
    switch (e.type) {
      case 'order.completed': {
        const oe = e as Envelope<OrderSnapshot>;
        const id = oe.data.order.order_id;
        if (!orderCandidates.has(id)) orderCandidates.set(id, { e: oe, c: orderContribution(oe, store) });
        break;
      }
      case 'analytics.event':
        sales.push(...analyticsContribution(e as Envelope<never>, store));
        break;
      case 'device.heartbeat': {
        const h = e as Envelope<{ device_id: string; status: string }>;
        const k = key(e.store_id, h.data.device_id);
        const cur = heartbeats.get(k);
        if (!cur || cur.occurred_at <= h.occurred_at) heartbeats.set(k, h);
        break;
      }
      case 'alert':
        alerts.push(e as Envelope<{ code: string; severity: string; message?: string; context: unknown }>);
        break;
      case 'config.applied': {
        const c = e.data as { stream: string; version: number };
        const k = key(e.store_id, c.stream);
        const cur = applied.get(k);
        if (!cur || cur.version < c.version)
          applied.set(k, {
            store_id: e.store_id,
            stream: c.stream,
            version: c.version,
            applied_at: e.occurred_at,
          });
        break;
      }
      default:
        // Stored in `events` for the dashboard and for recomputation; no read model yet.
        break;
    }
  }
  if (orderCandidates.size > 0) {
    const newOrders = new Set<string>();
    await inPages([...orderCandidates.values()], async (page) => {
      const rows = await tx
        .insertInto('orders')
        .values(page.map(({ e, c }) => ({ ...c.order, snapshot: JSON.stringify(e.data) })))
        .onConflict((oc) => oc.column('order_id').doNothing())
        .returning('order_id')
        .execute();
      for (const r of rows) newOrders.add(r.order_id);
    });
    // §9.8: a second completion of the same order under a new event_id counts nothing.
    for (const [id, { c }] of orderCandidates)
      if (newOrders.has(id)) {
        sales.push(...c.sales);
        payments.push(...c.payments);
      }
  }
  await addToAggregates(tx, sales, payments);
  if (heartbeats.size > 0)
    await tx
      .insertInto('devices')
      .values(
        [...heartbeats.values()].map((h) => ({
          store_id: h.store_id,
          device_id: h.data.device_id,
          last_seen_at: h.occurred_at,
          status: h.data.status,
          heartbeat: JSON.stringify(h.data),
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['store_id', 'device_id'])
          .doUpdateSet({
            last_seen_at: (eb) => eb.ref('excluded.last_seen_at'),
            status: (eb) => eb.ref('excluded.status'),
            heartbeat: (eb) => eb.ref('excluded.heartbeat'),
          })
          .where('devices.last_seen_at', '<=', (eb) => eb.ref('excluded.last_seen_at')),
      )
      .execute();
  await inPages(alerts, (page) =>
    tx
      .insertInto('alerts')
      .values(
        page.map((a) => ({
          event_id: a.event_id,
          store_id: a.store_id,
          code: a.data.code,
          severity: a.data.severity,
          message: a.data.message ?? null,
          context: JSON.stringify(a.data.context ?? {}),
          occurred_at: a.occurred_at,
        })),
      )
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute(),
  );
  if (applied.size > 0)
    await tx
      .insertInto('stream_applied')
      .values([...applied.values()])
      .onConflict((oc) =>
        oc
          .columns(['store_id', 'stream'])
          .doUpdateSet({
            version: (eb) => eb.ref('excluded.version'),
            applied_at: (eb) => eb.ref('excluded.applied_at'),
          })
          .where('stream_applied.version', '<', (eb) => eb.ref('excluded.version')),
      )
      .execute();

  return batch.map((b, i) => ({
    status:
      inserted.has(b.event.event_id) && firstIndex.get(b.event.event_id) === i ? 'applied' : 'duplicate',
    event_id: b.event.event_id,
    type: b.event.type,
  }));
}

/** Gap bookkeeping (§6.1: the cloud detects gaps in hub_seq), order-independent. */
async function trackSequences(
  tx: Tx,
  stores: Map<string, { store_id: string; max_hub_seq: bigint }>,
  events: readonly Envelope[],
): Promise<void> {
  const byStore = new Map<string, Envelope[]>();
  for (const e of events) byStore.set(e.store_id, [...(byStore.get(e.store_id) ?? []), e]);
  for (const [storeId, list] of byStore) {
    const store = stores.get(storeId)!;
    const minSeq = list.reduce((m, e) => Math.min(m, e.hub_seq), Number.MAX_SAFE_INTEGER);
    // Only gaps that can change: those ending at or after the smallest new sequence number.
    const before = (
      await tx
        .selectFrom('seq_gaps')
        .select(['from_seq', 'to_seq'])
        .where('store_id', '=', storeId)
        .where('to_seq', '>=', String(minSeq))
        .execute()
    ).map((g) => ({ from: int8(g.from_seq), to: int8(g.to_seq) }));
    let state = { maxSeq: store.max_hub_seq, gaps: before };
    let last = '';
    for (const e of list) {
      state = advanceGaps(state.maxSeq, state.gaps, BigInt(e.hub_seq));
      if (e.occurred_at > last) last = e.occurred_at;
    }
    const k = (g: { from: bigint; to: bigint }) => `${g.from}:${g.to}`;
    const after = new Set(state.gaps.map(k));
    const was = new Set(before.map(k));
    const removed = before.filter((g) => !after.has(k(g)));
    const added = state.gaps.filter((g) => !was.has(k(g)));
    if (removed.length)
      await tx
        .deleteFrom('seq_gaps')
        .where('store_id', '=', storeId)
        .where(
          'from_seq',
          'in',
          removed.map((g) => String(g.from)),
        )
        .execute();
    await inPages(added, (page) =>
      tx
        .insertInto('seq_gaps')
        .values(page.map((g) => ({ store_id: storeId, from_seq: String(g.from), to_seq: String(g.to) })))
        .execute(),
    );
    await tx
      .updateTable('stores')
      .set({
        max_hub_seq: String(state.maxSeq),
        last_event_at: sql<string>`greatest(last_event_at, ${last}::timestamptz)`,
      })
      .where('store_id', '=', storeId)
      .execute();
    store.max_hub_seq = state.maxSeq;
  }
}

/** Sums a sales delta into the running total for its key (one row per key, later upserted). */
export function sumSalesDelta(into: Map<string, SalesDelta>, d: SalesDelta): void {
  const k = key(d.key);
  const cur = into.get(k);
  if (!cur) {
    into.set(k, { ...d, ratings: [...d.ratings] });
    return;
  }
  cur.total_txn_count += d.total_txn_count;
  cur.total_items_purchased += d.total_items_purchased;
  cur.total_basket_value_minor += d.total_basket_value_minor;
  cur.total_basket_value_tax_excluded_minor += d.total_basket_value_tax_excluded_minor;
  cur.total_items_scanned += d.total_items_scanned;
  cur.login_count += d.login_count;
  cur.sign_up_count += d.sign_up_count;
  cur.staff_login_count += d.staff_login_count;
  d.ratings.forEach((r, i) => (cur.ratings[i] = (cur.ratings[i] ?? 0n) + r));
}

/** Sums a payment-method delta into the running total for its key and method. */
export function sumPaymentDelta(into: Map<string, PaymentDelta>, p: PaymentDelta): void {
  const k = key(p.key, p.method);
  const cur = into.get(k);
  if (!cur) into.set(k, { ...p });
  else {
    cur.txn_count += p.txn_count;
    cur.value_minor += p.value_minor;
  }
}

/** Adds deltas to the §8.1 tables: summed per key first, then one multi-row upsert per table. */
export async function addToAggregates(
  tx: Tx,
  sales: readonly SalesDelta[],
  payments: readonly PaymentDelta[],
): Promise<void> {
  const summed = new Map<string, SalesDelta>();
  for (const d of sales) sumSalesDelta(summed, d);
  const add = (col: keyof HqSchema['daily_sales']) =>
    sql<string>`${sql.ref(`daily_sales.${col}`)} + ${sql.ref(`excluded.${col}`)}`;
  await inPages([...summed.values()], (page) =>
    tx
      .insertInto('daily_sales')
      .values(
        page.map((d) => ({
          ...d.key,
          currency: d.currency,
          total_txn_count: d.total_txn_count,
          total_items_purchased: d.total_items_purchased,
          total_basket_value_minor: d.total_basket_value_minor,
          total_basket_value_tax_excluded_minor: d.total_basket_value_tax_excluded_minor,
          total_items_scanned: d.total_items_scanned,
          login_count: d.login_count,
          sign_up_count: d.sign_up_count,
          staff_login_count: d.staff_login_count,
          ratings_0: d.ratings[0],
          ratings_1: d.ratings[1],
          ratings_2: d.ratings[2],
          ratings_3: d.ratings[3],
          ratings_4: d.ratings[4],
          ratings_5: d.ratings[5],
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['demo', 'platform', 'store_id', 'calendar_date', 'business_date', 'device_id'])
          .doUpdateSet({
            total_txn_count: add('total_txn_count'),
            total_items_purchased: add('total_items_purchased'),
            total_basket_value_minor: add('total_basket_value_minor'),
            total_basket_value_tax_excluded_minor: add('total_basket_value_tax_excluded_minor'),
            total_items_scanned: add('total_items_scanned'),
            login_count: add('login_count'),
            sign_up_count: add('sign_up_count'),
            staff_login_count: add('staff_login_count'),
            ratings_0: add('ratings_0'),
            ratings_1: add('ratings_1'),
            ratings_2: add('ratings_2'),
            ratings_3: add('ratings_3'),
            ratings_4: add('ratings_4'),
            ratings_5: add('ratings_5'),
          }),
      )
      .execute(),
  );
  const paySummed = new Map<string, PaymentDelta>();
  for (const p of payments) sumPaymentDelta(paySummed, p);
  await inPages([...paySummed.values()], (page) =>
    tx
      .insertInto('daily_sales_payments')
      .values(
        page.map((p) => ({ ...p.key, method: p.method, txn_count: p.txn_count, value_minor: p.value_minor })),
      )
      .onConflict((oc) =>
        oc
          .columns(['demo', 'platform', 'store_id', 'calendar_date', 'business_date', 'device_id', 'method'])
          .doUpdateSet({
            txn_count: sql<string>`daily_sales_payments.txn_count + excluded.txn_count`,
            value_minor: sql<string>`daily_sales_payments.value_minor + excluded.value_minor`,
          }),
      )
      .execute(),
  );
}
