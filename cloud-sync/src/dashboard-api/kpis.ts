/**
 * §8.2 operational KPIs from the stored events (events.data is the validated payload), for one
 * filter on business date and stores. Amounts are summed as PostgreSQL numeric (exact decimal)
 * and scaled to minor units, so no float ever holds money.
 */
import { sql } from 'kysely';
import type { DashDb } from '../access/schema';
import type { SalesFilter } from './filters';

export interface Kpis {
  scans: { total: number; success: number; failed: number; success_rate_pct: string | null };
  top_unknown_barcodes: { code: string; count: number }[];
  payments: {
    attempts: number;
    failures: number;
    failure_rate_pct: string | null;
    average_ms: number | null;
    by_reason: { reason: string; state: string; count: number }[];
    by_device: { device_id: string; attempts: number; failures: number }[];
  };
  age_checks: {
    sessions: number;
    approved: number;
    approval_rate_pct: string | null;
    median_approval_seconds: number | null;
  };
  refunds: {
    count: number;
    value_minor: string;
    by_reason: { reason: string; count: number; value_minor: string }[];
  };
  cash_variances: {
    shift_id: string;
    device_id: string | null;
    staff_user_id: string;
    business_date: string;
    variance_minor: string;
  }[];
  baskets_abandoned: number;
  orders: number;
}

const pct = (num: number, den: number): string | null =>
  den === 0 ? null : ((num * 10000) / den / 100).toFixed(2);

export async function kpis(db: DashDb, f: SalesFilter, exponent = 2): Promise<Kpis> {
  const ev = (type: string) => {
    let q = db
      .selectFrom('events')
      .where('type', '=', type)
      .where('business_date', '>=', f.from)
      .where('business_date', '<=', f.to);
    if (f.stores?.length) q = q.where('store_id', 'in', f.stores);
    if (f.devices?.length) q = q.where('device_id', 'in', f.devices);
    return q;
  };
  const scale = sql.lit(10 ** exponent);
  const [scan, unknown, pay, payReasons, payDevices, age, refunds, refundReasons, cash, abandoned, orders] =
    await Promise.all([
      ev('analytics.event')
        .where(sql<string>`data->>'verb'`, '=', 'item_scan')
        .select([
          sql<string>`count(*)::text`.as('total'),
          sql<string>`count(*) filter (where data->>'success' = 'false')::text`.as('failed'),
        ])
        .executeTakeFirstOrThrow(),
      ev('analytics.event')
        .where(sql<string>`data->>'verb'`, '=', 'item_scan')
        .where(sql<string>`data->>'success'`, '=', 'false')
        .select([
          sql<string>`coalesce(data->>'code', '(none)')`.as('code'),
          sql<string>`count(*)::text`.as('n'),
        ])
        .groupBy(sql`coalesce(data->>'code', '(none)')`)
        .orderBy(sql`count(*)`, 'desc')
        .orderBy(sql`coalesce(data->>'code', '(none)')`)
        .limit(10)
        .execute(),
      ev('payment.attempt')
        .select([
          sql<string>`count(*)::text`.as('attempts'),
          sql<string>`count(*) filter (where data->'result'->>'state' <> 'approved')::text`.as('failures'),
          sql<string | null>`round(avg((data->>'duration_ms')::numeric))::text`.as('avg_ms'),
        ])
        .executeTakeFirstOrThrow(),
      ev('payment.attempt')
        .where(sql<string>`data->'result'->>'state'`, '<>', 'approved')
        .select([
          sql<string>`coalesce(data->'result'->>'reason', '(no reason given)')`.as('reason'),
          sql<string>`data->'result'->>'state'`.as('state'),
          sql<string>`count(*)::text`.as('n'),
        ])
        .groupBy([
          sql`coalesce(data->'result'->>'reason', '(no reason given)')`,
          sql`data->'result'->>'state'`,
        ])
        .orderBy(sql`count(*)`, 'desc')
        .limit(20)
        .execute(),
      ev('payment.attempt')
        .select([
          sql<string>`coalesce(device_id, '')`.as('device_id'),
          sql<string>`count(*)::text`.as('attempts'),
          sql<string>`count(*) filter (where data->'result'->>'state' <> 'approved')::text`.as('failures'),
        ])
        .groupBy(sql`coalesce(device_id, '')`)
        .orderBy(sql`coalesce(device_id, '')`)
        .execute(),
      ev('verification.session')
        .select([
          sql<string>`count(*)::text`.as('sessions'),
          sql<string>`count(*) filter (where data->>'status' = 'approved')::text`.as('approved'),
          sql<
            string | null
          >`percentile_cont(0.5) within group (order by extract(epoch from ((data->>'decided_at')::timestamptz - (data->>'created_at')::timestamptz))) filter (where data->>'decided_at' is not null)::text`.as(
            'median_s',
          ),
        ])
        .executeTakeFirstOrThrow(),
      ev('refund.completed')
        .select([
          sql<string>`count(*)::text`.as('n'),
          sql<string>`coalesce(sum((data->>'total')::numeric * ${scale}), 0)::bigint::text`.as('value'),
        ])
        .executeTakeFirstOrThrow(),
      ev('refund.completed')
        .select([
          sql<string>`coalesce(data->>'reason', '(no reason given)')`.as('reason'),
          sql<string>`count(*)::text`.as('n'),
          sql<string>`coalesce(sum((data->>'total')::numeric * ${scale}), 0)::bigint::text`.as('value'),
        ])
        .groupBy(sql`coalesce(data->>'reason', '(no reason given)')`)
        .orderBy(sql`count(*)`, 'desc')
        .limit(20)
        .execute(),
      ev('shift.ended')
        .where(sql<string>`data->>'variance'`, 'is not', null)
        .where(sql<string>`(data->>'variance')::numeric`, '<>', sql<string>`0`)
        .select([
          sql<string>`data->>'shift_id'`.as('shift_id'),
          sql<string | null>`data->>'device_id'`.as('device_id'),
          sql<string>`data->>'staff_user_id'`.as('staff_user_id'),
          'business_date',
          sql<string>`((data->>'variance')::numeric * ${scale})::bigint::text`.as('variance'),
        ])
        .orderBy('business_date', 'desc')
        .limit(50)
        .execute(),
      ev('analytics.event')
        .where(sql<string>`data->>'verb'`, 'in', ['basket_abandoned', 'basket_abandon'])
        .select(sql<string>`count(*)::text`.as('n'))
        .executeTakeFirstOrThrow(),
      ev('order.completed')
        .select(sql<string>`count(*)::text`.as('n'))
        .executeTakeFirstOrThrow(),
    ]);
  const total = Number(scan.total);
  const failed = Number(scan.failed);
  const attempts = Number(pay.attempts);
  const failures = Number(pay.failures);
  const sessions = Number(age.sessions);
  const approved = Number(age.approved);
  return {
    scans: { total, success: total - failed, failed, success_rate_pct: pct(total - failed, total) },
    top_unknown_barcodes: unknown.map((u) => ({ code: u.code, count: Number(u.n) })),
    payments: {
      attempts,
      failures,
      failure_rate_pct: pct(failures, attempts),
      average_ms: pay.avg_ms === null ? null : Number(pay.avg_ms),
      by_reason: payReasons.map((p) => ({ reason: p.reason, state: p.state, count: Number(p.n) })),
      by_device: payDevices.map((d) => ({
        device_id: d.device_id,
        attempts: Number(d.attempts),
        failures: Number(d.failures),
      })),
    },
    age_checks: {
      sessions,
      approved,
      approval_rate_pct: pct(approved, sessions),
      median_approval_seconds: age.median_s === null ? null : Math.round(Number(age.median_s)),
    },
    refunds: {
      count: Number(refunds.n),
      value_minor: refunds.value,
      by_reason: refundReasons.map((r) => ({ reason: r.reason, count: Number(r.n), value_minor: r.value })),
    },
    cash_variances: cash.map((c) => ({
      shift_id: c.shift_id,
      device_id: c.device_id,
      staff_user_id: c.staff_user_id,
      business_date: c.business_date,
      variance_minor: c.variance,
    })),
    baskets_abandoned: Number(abandoned.n),
    orders: Number(orders.n),
  };
}
