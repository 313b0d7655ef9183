/**
 * The demo's HQ side before `hq serve`: an admin login and a few days of trading history for
 * the demo store (published catalogue, tax and promotions; orders priced with promo-core and
 * ingested through HQ's own ingestion), so Sales, the test bench and the pricing audit have
 * something to show. Runs once per database: a store that already has history is left alone.
 *
 *   tsx cloud-sync/scripts/demo-history.ts --db .data/hq --store .data/demo-store.json \
 *       [--days 3] [--orders-per-day 120] [--admin admin] [--password kassa-admin]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { DashDb } from '../src/access';
import { ensureUser, migrateDashboard } from '../src/access';
import type { StoreDocument } from '../src/dashboard-api/demo/history';
import { generateHistory } from '../src/dashboard-api/demo/history';
import { openHqDb } from '../src/db';
import { setPricingConfig } from '../src/testbench/store-data';
import { localDate } from '../src/ingest';

const { values: v } = parseArgs({
  options: {
    db: { type: 'string' },
    store: { type: 'string' },
    days: { type: 'string', default: '3' },
    'orders-per-day': { type: 'string', default: '120' },
    admin: { type: 'string', default: 'admin' },
    password: { type: 'string', default: 'kassa-admin' },
  },
});
if (!v.db || !v.store) {
  process.stderr.write('usage: demo-history.ts --db <PGlite dir|postgres://…> --store <hub import.json>\n');
  process.exit(2);
}
if (!/^(postgres(ql)?|memory):\/\//.test(v.db)) fs.mkdirSync(v.db, { recursive: true });
const doc = JSON.parse(fs.readFileSync(v.store, 'utf8')) as StoreDocument;
const h = await openHqDb(v.db);
try {
  const db = h.db as unknown as DashDb;
  await migrateDashboard(db);
  await ensureUser(db, {
    username: v.admin!,
    role: 'admin',
    display_name: 'HQ Admin',
    password: v.password!,
  });
  const storeId = doc.store_config.store_id;
  // Always (re)record the store's tax mode and barcode layouts: the pricing audit needs them.
  if (await db.selectFrom('stores').select('store_id').where('store_id', '=', storeId).executeTakeFirst())
    await setPricingConfig(db, storeId, doc.store_config);
  const tz = doc.store_config.timezone ?? 'Europe/London';
  const yesterday = localDate(new Date(Date.now() - 86_400_000).toISOString(), tz);
  const had = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('store_id', '=', storeId)
    .where('business_date', '<=', yesterday)
    .executeTakeFirstOrThrow();
  if (Number(had.n) > 0) {
    process.stdout.write(
      `hq demo: ${had.n} past orders already at HQ for ${storeId}; history left as it is\n`,
    );
  } else {
    const published = await db
      .selectFrom('stream_versions')
      .select('stream')
      .where('store_id', '=', storeId)
      .where('stream', '=', 'catalog')
      .executeTakeFirst();
    const r = await generateHistory(h.db, doc, {
      storeId,
      name: doc.store_config.name ?? storeId,
      days: Number(v.days),
      ordersPerDay: Number(v['orders-per-day']),
      endDate: yesterday,
      publishData: !published,
      // Keep the groups `hq store --from` gave the store (chain, region) and add 'demo'.
      groups: [
        ...new Set([
          ...(
            await db.selectFrom('store_groups').select('group_id').where('store_id', '=', storeId).execute()
          ).map((g) => g.group_id),
          'demo',
        ]),
      ],
      demo: true,
    });
    process.stdout.write(
      `hq demo: ${r.orders} orders over ${v.days} days for ${storeId} (${r.events} events)\n`,
    );
  }
  process.stdout.write(`hq demo: dashboard login ${v.admin} / ${v.password} (at <HQ URL>/dashboard/)\n`);
} finally {
  await h.close();
}
