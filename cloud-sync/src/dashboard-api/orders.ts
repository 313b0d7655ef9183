/** Order search and detail from the stored §6.4 snapshots, and the refunds the hubs reported. */
import { sql } from 'kysely';
import { z } from 'zod';
import type { DashDb } from '../access/schema';
import { int8 } from '../db';

const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(1).max(128)).max(500));

export const orderSearchSchema = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  stores: list.optional(),
  devices: list.optional(),
  /** Order id, o_id, receipt or POS-log number, or a barcode or item id on a line. */
  q: z.string().trim().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type OrderSearch = z.output<typeof orderSearchSchema>;

export async function searchOrders(db: DashDb, s: OrderSearch) {
  let q = db.selectFrom('orders');
  if (s.from) q = q.where('business_date', '>=', s.from);
  if (s.to) q = q.where('business_date', '<=', s.to);
  if (s.stores?.length) q = q.where('store_id', 'in', s.stores);
  if (s.devices?.length) q = q.where('device_id', 'in', s.devices);
  if (s.q) {
    const term = s.q;
    q = q.where((eb) =>
      eb.or([
        eb('order_id', '=', term),
        eb(sql<string>`snapshot->'order'->>'o_id'`, '=', term),
        eb(sql<string>`snapshot->'order'->>'receipt_number'`, '=', term),
        eb(sql<string>`snapshot->'order'->>'transaction_id_poslog'`, '=', term),
        eb(
          sql<boolean>`snapshot->'items' @> ${JSON.stringify([{ scanned_barcode: term }])}::jsonb`,
          '=',
          true,
        ),
        eb(sql<boolean>`snapshot->'items' @> ${JSON.stringify([{ item_id: term }])}::jsonb`, '=', true),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    q
      .select([
        'order_id',
        'store_id',
        'device_id',
        'business_date',
        'completed_at',
        'currency',
        'total_minor',
        'total_discount_minor',
        'items_count',
        sql<string>`snapshot->'order'->>'o_id'`.as('o_id'),
        sql<string>`snapshot->'order'->>'order_status'`.as('order_status'),
      ])
      .orderBy('completed_at', 'desc')
      .orderBy('order_id')
      .limit(s.limit)
      .offset(s.offset)
      .execute(),
    q.select(sql<string>`count(*)::text`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    orders: rows.map((r) => ({
      ...r,
      completed_at: new Date(r.completed_at).toISOString(),
      total_minor: String(int8(r.total_minor)),
      total_discount_minor: String(int8(r.total_discount_minor)),
      items_count: Number(int8(r.items_count)),
    })),
  };
}

export async function orderDetail(db: DashDb, orderId: string) {
  const o = await db
    .selectFrom('orders as o')
    .innerJoin('stores as s', 's.store_id', 'o.store_id')
    .select([
      'o.order_id',
      'o.store_id',
      's.name as store_name',
      's.currency_exponent',
      'o.event_id',
      'o.completed_at',
      'o.snapshot',
    ])
    .where('o.order_id', '=', orderId)
    .executeTakeFirst();
  if (!o) return null;
  const [events, audit] = await Promise.all([
    db
      .selectFrom('events')
      .select(['event_id', 'type', 'occurred_at', 'data'])
      .where('store_id', '=', o.store_id)
      .where('key', '=', orderId)
      .orderBy('occurred_at')
      .orderBy('hub_seq')
      .execute(),
    db.selectFrom('pricing_audit').selectAll().where('order_id', '=', orderId).executeTakeFirst(),
  ]);
  return {
    order_id: o.order_id,
    store_id: o.store_id,
    store_name: o.store_name,
    currency_exponent: o.currency_exponent,
    completed_at: new Date(o.completed_at).toISOString(),
    snapshot: o.snapshot,
    events: events.map((e) => ({ ...e, occurred_at: new Date(e.occurred_at).toISOString() })),
    pricing_audit: audit
      ? {
          status: audit.status,
          reason: audit.reason,
          data_version: audit.data_version,
          differences: audit.differences,
          checked_at: new Date(audit.checked_at).toISOString(),
        }
      : null,
  };
}

export async function listRefunds(db: DashDb, s: OrderSearch, exponent = 2) {
  let q = db.selectFrom('events').where('type', 'in', ['refund.completed', 'refund.failed']);
  if (s.from) q = q.where('business_date', '>=', s.from);
  if (s.to) q = q.where('business_date', '<=', s.to);
  if (s.stores?.length) q = q.where('store_id', 'in', s.stores);
  const rows = await q
    .select([
      'event_id',
      'type',
      'store_id',
      'business_date',
      'occurred_at',
      sql<string>`data->>'refund_id'`.as('refund_id'),
      sql<string>`data->>'order_id'`.as('order_id'),
      sql<string | null>`data->>'reason'`.as('reason'),
      sql<string | null>`data->>'staff_user_id'`.as('staff_user_id'),
      sql<string>`((data->>'total')::numeric * ${sql.lit(10 ** exponent)})::bigint::text`.as('total_minor'),
    ])
    .orderBy('occurred_at', 'desc')
    .limit(s.limit)
    .offset(s.offset)
    .execute();
  return rows.map((r) => ({
    ...r,
    occurred_at: new Date(r.occurred_at).toISOString(),
    status: r.type === 'refund.completed' ? 'completed' : 'failed',
  }));
}
