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
import type { PaymentDelta, SalesDelta, StoreInfo } from './projection';
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
      await db.transaction().execute(async (tx) => {
        for (const v of valid) outcomes[v.i] = await applyEvent(tx, v.event, v.rec);
      });
    } catch (err) {
      if (isTransientDbError(err)) throw err;
      // One bad event must not sink the batch: apply them one by one, dead-letter the failures.
      for (const v of valid) {
        try {
          outcomes[v.i] = await db.transaction().execute((tx) => applyEvent(tx, v.event, v.rec));
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

async function lockStore(tx: Tx, storeId: string): Promise<StoreInfo & { max_hub_seq: bigint }> {
  await tx
    .insertInto('stores')
    .values({ store_id: storeId })
    .onConflict((oc) => oc.column('store_id').doNothing())
    .execute();
  const s = await tx
    .selectFrom('stores')
    .select(['store_id', 'timezone', 'currency', 'currency_exponent', 'demo', 'max_hub_seq'])
    .where('store_id', '=', storeId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { ...s, max_hub_seq: int8(s.max_hub_seq) };
}

export async function applyEvent(tx: Tx, e: Envelope, rec: IncomingRecord): Promise<IngestOutcome> {
  const store = await lockStore(tx, e.store_id);
  const inserted = await tx
    .insertInto('events')
    .values({
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
    })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .returning('event_id')
    .executeTakeFirst();
  if (!inserted) return { status: 'duplicate', event_id: e.event_id, type: e.type };

  await trackSequence(tx, store, BigInt(e.hub_seq), e.occurred_at);
  switch (e.type) {
    case 'order.completed': {
      const c = orderContribution(e as Envelope<OrderSnapshot>, store);
      const row = await tx
        .insertInto('orders')
        .values({ ...c.order, snapshot: JSON.stringify(e.data) })
        .onConflict((oc) => oc.column('order_id').doNothing())
        .returning('order_id')
        .executeTakeFirst();
      // §9.8: a second completion of the same order under a new event_id counts nothing.
      if (row) await addToAggregates(tx, c.sales, c.payments);
      break;
    }
    case 'analytics.event':
      await addToAggregates(tx, analyticsContribution(e as Envelope<never>, store), []);
      break;
    case 'device.heartbeat': {
      const h = e.data as { device_id: string; status: string };
      await tx
        .insertInto('devices')
        .values({
          store_id: e.store_id,
          device_id: h.device_id,
          last_seen_at: e.occurred_at,
          status: h.status,
          heartbeat: JSON.stringify(h),
        })
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
      break;
    }
    case 'alert': {
      const a = e.data as { code: string; severity: string; message?: string; context: unknown };
      await tx
        .insertInto('alerts')
        .values({
          event_id: e.event_id,
          store_id: e.store_id,
          code: a.code,
          severity: a.severity,
          message: a.message ?? null,
          context: JSON.stringify(a.context ?? {}),
          occurred_at: e.occurred_at,
        })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .execute();
      break;
    }
    case 'config.applied': {
      const c = e.data as { stream: string; version: number };
      await tx
        .insertInto('stream_applied')
        .values({ store_id: e.store_id, stream: c.stream, version: c.version, applied_at: e.occurred_at })
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
      break;
    }
    default:
      // Stored in `events` for the dashboard and for recomputation; no read model yet.
      break;
  }
  return { status: 'applied', event_id: e.event_id, type: e.type };
}

/** Gap bookkeeping (§6.1: the cloud detects gaps in hub_seq), order-independent. */
async function trackSequence(
  tx: Tx,
  store: { store_id: string; max_hub_seq: bigint },
  seq: bigint,
  at: string,
): Promise<void> {
  const containing = await tx
    .selectFrom('seq_gaps')
    .select(['from_seq', 'to_seq'])
    .where('store_id', '=', store.store_id)
    .where('from_seq', '<=', String(seq))
    .where('to_seq', '>=', String(seq))
    .execute();
  const before = containing.map((g) => ({ from: int8(g.from_seq), to: int8(g.to_seq) }));
  const next = advanceGaps(store.max_hub_seq, before, seq);
  if (before.length > 0)
    await tx
      .deleteFrom('seq_gaps')
      .where('store_id', '=', store.store_id)
      .where(
        'from_seq',
        'in',
        before.map((g) => String(g.from)),
      )
      .execute();
  if (next.gaps.length > 0)
    await tx
      .insertInto('seq_gaps')
      .values(
        next.gaps.map((g) => ({ store_id: store.store_id, from_seq: String(g.from), to_seq: String(g.to) })),
      )
      .execute();
  await tx
    .updateTable('stores')
    .set({
      max_hub_seq: String(next.maxSeq),
      last_event_at: sql<string>`greatest(last_event_at, ${at}::timestamptz)`,
    })
    .where('store_id', '=', store.store_id)
    .execute();
  store.max_hub_seq = next.maxSeq;
}

export async function addToAggregates(
  tx: Tx,
  sales: readonly SalesDelta[],
  payments: readonly PaymentDelta[],
): Promise<void> {
  for (const d of sales) {
    const add = (col: keyof HqSchema['daily_sales']) =>
      sql<string>`${sql.ref(`daily_sales.${col}`)} + ${sql.ref(`excluded.${col}`)}`;
    await tx
      .insertInto('daily_sales')
      .values({
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
      })
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
      .execute();
  }
  for (const p of payments) {
    await tx
      .insertInto('daily_sales_payments')
      .values({ ...p.key, method: p.method, txn_count: p.txn_count, value_minor: p.value_minor })
      .onConflict((oc) =>
        oc
          .columns(['demo', 'platform', 'store_id', 'calendar_date', 'business_date', 'device_id', 'method'])
          .doUpdateSet({
            txn_count: sql<string>`daily_sales_payments.txn_count + excluded.txn_count`,
            value_minor: sql<string>`daily_sales_payments.value_minor + excluded.value_minor`,
          }),
      )
      .execute();
  }
}
