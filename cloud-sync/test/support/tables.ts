/** Table snapshots for equality assertions (int8 normalised to strings, rows sorted). */
import { sql } from 'kysely';
import type { HqDb } from '../../src/db';

export async function tableRows(
  db: HqDb,
  table: string,
  exclude: string[] = [],
): Promise<Record<string, string>[]> {
  const r = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(db);
  return r.rows
    .map((row) =>
      Object.fromEntries(
        Object.entries(row)
          .filter(([k]) => !exclude.includes(k))
          .map(([k, v]) => [
            k,
            v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v),
          ]),
      ),
    )
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

export async function truncateAll(db: HqDb): Promise<void> {
  await sql`TRUNCATE stores, store_groups, events, seq_gaps, orders, daily_sales, daily_sales_payments, devices,
    alerts, stream_applied, dead_letters, stream_versions, publications, hq_outbox, stream_docs`.execute(db);
}
