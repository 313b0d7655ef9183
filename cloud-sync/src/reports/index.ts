/**
 * Read side for the API and the dashboard: fleet health (last contact, hub_seq gaps, devices,
 * stream versions applied against published, dead letters) and the §8.1 daily sales with the
 * derived averages. Money leaves as decimal strings in the store currency's places.
 */
import { sql } from 'kysely';
import type { HqDb } from '../db';
import { int8, iso } from '../db';
import { formatMinor } from '../protocol';

export async function fleet(db: HqDb) {
  const stores = await db.selectFrom('stores').selectAll().orderBy('store_id').execute();
  const gaps = await db.selectFrom('seq_gaps').selectAll().orderBy('from_seq').execute();
  const devices = await db.selectFrom('devices').selectAll().orderBy('device_id').execute();
  const applied = await db.selectFrom('stream_applied').selectAll().execute();
  const published = await db
    .selectFrom('stream_versions')
    .selectAll()
    .where('stream', 'not like', '\\_%')
    .execute();
  const letters = await db
    .selectFrom('dead_letters')
    .select(['store_id', (eb) => eb.fn.countAll().as('n')])
    .where('resolved_at', 'is', null)
    .groupBy('store_id')
    .execute();
  const alerts = await db
    .selectFrom('alerts')
    .select(['store_id', (eb) => eb.fn.countAll().as('n')])
    .where('occurred_at', '>', sql<string>`now() - interval '24 hours'`)
    .groupBy('store_id')
    .execute();
  return stores.map((s) => {
    const storeGaps = gaps.filter((g) => g.store_id === s.store_id);
    const streams: Record<string, { published: number; applied: number | null }> = {};
    for (const p of published.filter((x) => x.store_id === s.store_id))
      streams[p.stream] = { published: Number(int8(p.version)), applied: null };
    for (const a of applied.filter((x) => x.store_id === s.store_id))
      streams[a.stream] = { published: streams[a.stream]?.published ?? 0, applied: Number(int8(a.version)) };
    return {
      store_id: s.store_id,
      name: s.name,
      last_contact_at: iso(s.last_event_at),
      max_hub_seq: Number(int8(s.max_hub_seq)),
      gaps: storeGaps.map((g) => ({
        from: Number(int8(g.from_seq)),
        to: Number(int8(g.to_seq)),
        detected_at: iso(g.detected_at),
      })),
      missing_events: storeGaps.reduce((n, g) => n + Number(int8(g.to_seq) - int8(g.from_seq) + 1n), 0),
      devices: devices
        .filter((d) => d.store_id === s.store_id)
        .map((d) => ({
          device_id: d.device_id,
          status: d.status,
          last_seen_at: iso(d.last_seen_at),
          heartbeat: d.heartbeat,
        })),
      streams,
      dead_letters: Number(int8(letters.find((l) => l.store_id === s.store_id)?.n ?? 0)),
      alerts_24h: Number(int8(alerts.find((a) => a.store_id === s.store_id)?.n ?? 0)),
    };
  });
}

export interface SalesQuery {
  from: string;
  to: string;
  basis: 'business' | 'calendar';
  store_ids?: string[];
  device_ids?: string[];
  include_demo?: boolean;
}

export async function dailySales(db: HqDb, q: SalesQuery) {
  const col = q.basis === 'business' ? 'business_date' : 'calendar_date';
  const rows = await db
    .selectFrom('daily_sales as d')
    .innerJoin('stores as s', 's.store_id', 'd.store_id')
    .select([
      'd.store_id',
      sql<string>`${sql.ref(`d.${col}`)}`.as('date'),
      'd.platform',
      'd.device_id',
      'd.demo',
      'd.currency',
      's.currency_exponent',
      (eb) => eb.fn.sum<string>('d.total_txn_count').as('total_txn_count'),
      (eb) => eb.fn.sum<string>('d.total_items_purchased').as('total_items_purchased'),
      (eb) => eb.fn.sum<string>('d.total_basket_value_minor').as('value'),
      (eb) => eb.fn.sum<string>('d.total_basket_value_tax_excluded_minor').as('value_ex'),
      (eb) => eb.fn.sum<string>('d.total_items_scanned').as('total_items_scanned'),
      (eb) => eb.fn.sum<string>('d.login_count').as('login_count'),
      (eb) => eb.fn.sum<string>('d.sign_up_count').as('sign_up_count'),
      (eb) => eb.fn.sum<string>('d.staff_login_count').as('staff_login_count'),
      (eb) => eb.fn.sum<string>('d.ratings_0').as('r0'),
      (eb) => eb.fn.sum<string>('d.ratings_1').as('r1'),
      (eb) => eb.fn.sum<string>('d.ratings_2').as('r2'),
      (eb) => eb.fn.sum<string>('d.ratings_3').as('r3'),
      (eb) => eb.fn.sum<string>('d.ratings_4').as('r4'),
      (eb) => eb.fn.sum<string>('d.ratings_5').as('r5'),
    ])
    .where(sql.ref(`d.${col}`), '>=', q.from)
    .where(sql.ref(`d.${col}`), '<=', q.to)
    .$if(!!q.store_ids?.length, (b) => b.where('d.store_id', 'in', q.store_ids!))
    .$if(!!q.device_ids?.length, (b) => b.where('d.device_id', 'in', q.device_ids!))
    .$if(!q.include_demo, (b) => b.where('d.demo', '=', false))
    .groupBy([
      'd.store_id',
      `d.${col}`,
      'd.platform',
      'd.device_id',
      'd.demo',
      'd.currency',
      's.currency_exponent',
    ])
    .orderBy('d.store_id')
    .orderBy(`d.${col}`)
    .orderBy('d.device_id')
    .execute();
  return rows.map((r) => {
    const row = r as unknown as Record<string, unknown>;
    const exp = r.currency_exponent;
    const n = int8(r.total_txn_count);
    const value = int8(r.value);
    const ratings = [0, 1, 2, 3, 4, 5].map((i) => Number(int8(row[`r${i}`])));
    const rated = ratings.reduce((a, b) => a + b, 0);
    return {
      store_id: r.store_id,
      date: r.date as string,
      platform: r.platform,
      device_id: r.device_id,
      demo: r.demo,
      currency: r.currency,
      total_txn_count: Number(n),
      total_items_purchased: Number(int8(r.total_items_purchased)),
      total_basket_value: formatMinor(value, exp),
      total_basket_value_tax_excluded: formatMinor(int8(r.value_ex), exp),
      // Average in minor units, rounded half up: integer arithmetic only.
      average_basket_value: n === 0n ? null : formatMinor((value * 2n + n) / (2n * n), exp),
      average_basket_size: n === 0n ? null : (Number(int8(r.total_items_purchased)) / Number(n)).toFixed(2),
      total_items_scanned: Number(int8(r.total_items_scanned)),
      login_count: Number(int8(r.login_count)),
      sign_up_count: Number(int8(r.sign_up_count)),
      staff_login_count: Number(int8(r.staff_login_count)),
      ratings_dict: Object.fromEntries(ratings.map((c, i) => [String(i), c])),
      average_rating: rated === 0 ? null : (ratings.reduce((a, c, i) => a + c * i, 0) / rated).toFixed(2),
    };
  });
}

export async function paymentMethods(db: HqDb, q: SalesQuery) {
  const col = q.basis === 'business' ? 'business_date' : 'calendar_date';
  const rows = await db
    .selectFrom('daily_sales_payments as p')
    .innerJoin('stores as s', 's.store_id', 'p.store_id')
    .select([
      'p.store_id',
      'p.method',
      's.currency_exponent',
      (eb) => eb.fn.sum<string>('p.txn_count').as('n'),
      (eb) => eb.fn.sum<string>('p.value_minor').as('v'),
    ])
    .where(sql.ref(`p.${col}`), '>=', q.from)
    .where(sql.ref(`p.${col}`), '<=', q.to)
    .$if(!!q.store_ids?.length, (b) => b.where('p.store_id', 'in', q.store_ids!))
    .$if(!!q.device_ids?.length, (b) => b.where('p.device_id', 'in', q.device_ids!))
    .$if(!q.include_demo, (b) => b.where('p.demo', '=', false))
    .groupBy(['p.store_id', 'p.method', 's.currency_exponent'])
    .orderBy('p.store_id')
    .orderBy('p.method')
    .execute();
  return rows.map((r) => ({
    store_id: r.store_id,
    method: r.method,
    count: Number(int8(r.n)),
    value: formatMinor(int8(r.v), r.currency_exponent),
  }));
}

export async function orderDetail(db: HqDb, orderId: string) {
  const o = await db.selectFrom('orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  if (!o) return null;
  return {
    order_id: o.order_id,
    store_id: o.store_id,
    event_id: o.event_id,
    completed_at: iso(o.completed_at),
    snapshot: o.snapshot,
  };
}

export async function counts(db: HqDb, storeId?: string) {
  const q = db
    .selectFrom('orders')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum<string>('total_minor').as('total')]);
  const r = await (storeId ? q.where('store_id', '=', storeId) : q).executeTakeFirstOrThrow();
  return { orders: Number(int8(r.n)), total_minor: String(int8(r.total ?? 0)) };
}
