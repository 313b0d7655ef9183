/**
 * §8.1 views over the daily aggregate (daily_sales, daily_sales_payments): totals, and the
 * breakdowns by store, date, device and payment method, for one filter.
 */
import type { SelectQueryBuilder } from 'kysely';
import { sql } from 'kysely';
import type { DashDb, DashSchema } from '../access/schema';
import type { SalesFilter } from './filters';
import { dateColumn } from './filters';
import { divMinor, minor } from './money';

export interface SalesRow {
  key: string;
  txn_count: string;
  items: string;
  value_minor: string;
  value_excl_tax_minor: string;
  items_scanned: string;
  average_basket_minor: string;
  /** Items per basket with two decimals, as text (not money, but still no float drift in the API). */
  average_basket_size: string;
}

export interface PaymentRow {
  method: string;
  txn_count: string;
  value_minor: string;
}

export interface SalesView {
  currency: string | null;
  currencies: string[];
  totals: Omit<SalesRow, 'key'>;
  by_store: (SalesRow & { name: string })[];
  by_date: SalesRow[];
  by_device: (SalesRow & { store_id: string })[];
  by_payment_method: PaymentRow[];
  ratings: { score: number; count: string }[];
}

type T = 'daily_sales' | 'daily_sales_payments';
function filtered<Tb extends T, O>(
  q: SelectQueryBuilder<DashSchema, Tb, O>,
  f: SalesFilter,
): SelectQueryBuilder<DashSchema, Tb, O> {
  const col = dateColumn(f);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let r = (q as SelectQueryBuilder<DashSchema, any, O>).where(col, '>=', f.from).where(col, '<=', f.to);
  if (f.stores?.length) r = r.where('store_id', 'in', f.stores);
  if (f.devices?.length) r = r.where('device_id', 'in', f.devices);
  if (!f.include_demo) r = r.where('demo', '=', false);
  return r as SelectQueryBuilder<DashSchema, Tb, O>;
}

const sums = [
  sql<string>`coalesce(sum(total_txn_count), 0)::text`.as('txn_count'),
  sql<string>`coalesce(sum(total_items_purchased), 0)::text`.as('items'),
  sql<string>`coalesce(sum(total_basket_value_minor), 0)::text`.as('value_minor'),
  sql<string>`coalesce(sum(total_basket_value_tax_excluded_minor), 0)::text`.as('value_excl_tax_minor'),
  sql<string>`coalesce(sum(total_items_scanned), 0)::text`.as('items_scanned'),
] as const;

interface RawSums {
  txn_count: string;
  items: string;
  value_minor: string;
  value_excl_tax_minor: string;
  items_scanned: string;
}

function finish(r: RawSums): Omit<SalesRow, 'key'> {
  const n = BigInt(r.txn_count);
  const items = BigInt(r.items);
  const size100 = n === 0n ? 0n : (items * 100n) / n;
  return {
    txn_count: minor(r.txn_count),
    items: minor(r.items),
    value_minor: minor(r.value_minor),
    value_excl_tax_minor: minor(r.value_excl_tax_minor),
    items_scanned: minor(r.items_scanned),
    average_basket_minor: divMinor(r.value_minor, r.txn_count),
    average_basket_size: `${size100 / 100n}.${String(size100 % 100n).padStart(2, '0')}`,
  };
}

export async function salesView(db: DashDb, f: SalesFilter): Promise<SalesView> {
  const col = dateColumn(f);
  const base = () => filtered(db.selectFrom('daily_sales'), f);
  const [totals, byStore, byDate, byDevice, currencies, ratings] = await Promise.all([
    base().select(sums).executeTakeFirstOrThrow(),
    base().select('store_id').select(sums).groupBy('store_id').execute(),
    base()
      .select(sql<string>`${sql.ref(col)}`.as('day'))
      .select(sums)
      .groupBy(col)
      .orderBy(col)
      .execute(),
    base().select(['store_id', 'device_id']).select(sums).groupBy(['store_id', 'device_id']).execute(),
    base().select('currency').distinct().execute(),
    base()
      .select([
        sql<string>`coalesce(sum(ratings_0),0)::text`.as('r0'),
        sql<string>`coalesce(sum(ratings_1),0)::text`.as('r1'),
        sql<string>`coalesce(sum(ratings_2),0)::text`.as('r2'),
        sql<string>`coalesce(sum(ratings_3),0)::text`.as('r3'),
        sql<string>`coalesce(sum(ratings_4),0)::text`.as('r4'),
        sql<string>`coalesce(sum(ratings_5),0)::text`.as('r5'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  const payments = await filtered(db.selectFrom('daily_sales_payments'), f)
    .select([
      'method',
      sql<string>`coalesce(sum(txn_count),0)::text`.as('txn_count'),
      sql<string>`coalesce(sum(value_minor),0)::text`.as('value_minor'),
    ])
    .groupBy('method')
    .orderBy('method')
    .execute();
  const storeIds = byStore.map((s) => s.store_id);
  const names = new Map(
    storeIds.length
      ? (
          await db
            .selectFrom('stores')
            .select(['store_id', 'name'])
            .where('store_id', 'in', storeIds)
            .execute()
        ).map((s) => [s.store_id, s.name] as const)
      : [],
  );
  const cur = currencies.map((c) => c.currency).sort();
  return {
    currency: cur.length === 1 ? cur[0]! : null,
    currencies: cur,
    totals: finish(totals),
    by_store: byStore
      .map((s) => ({ key: s.store_id, name: names.get(s.store_id) || s.store_id, ...finish(s) }))
      .sort((a, b) =>
        BigInt(b.txn_count) > BigInt(a.txn_count)
          ? 1
          : BigInt(b.txn_count) < BigInt(a.txn_count)
            ? -1
            : a.key.localeCompare(b.key),
      ),
    by_date: byDate.map((d) => ({ key: d.day, ...finish(d) })),
    by_device: byDevice
      .map((d) => ({ key: d.device_id, store_id: d.store_id, ...finish(d) }))
      .sort((a, b) => a.store_id.localeCompare(b.store_id) || a.key.localeCompare(b.key)),
    by_payment_method: payments.map((p) => ({
      method: p.method,
      txn_count: minor(p.txn_count),
      value_minor: minor(p.value_minor),
    })),
    ratings: [ratings.r0, ratings.r1, ratings.r2, ratings.r3, ratings.r4, ratings.r5].map((c, score) => ({
      score,
      count: c,
    })),
  };
}
