/**
 * HQ benchmarks (npm run bench -w cloud-sync runs this after the relay bench), markdown for
 * docs/benchmarks.md:
 *  1. ingestion: order.completed events/s through ingestBatch (decode, event row, gaps, order,
 *     aggregates, one transaction per 500) on PGlite and on PostgreSQL 15, against the same-run
 *     baseline of inserting the same envelopes as bare rows in the same batches;
 *  2. recompute of the §8.1 aggregates from those stored events;
 *  3. publishing a 100,000-item catalogue snapshot to one store (promo-core validation, diff,
 *     chunking, outbox rows).
 * Knobs: BENCH_EVENTS (default 10000), BENCH_ITEMS (100000), BENCH_OUT=<file>.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { OpenedDb } from '../src/db';
import { openHqDb } from '../src/db';
import { ingestBatch, recomputeAggregates } from '../src/ingest';
import { publish } from '../src/publishing';
import { storeEventsTopic } from '../src/protocol';
import { upsertStore } from '../src/stores';
import { envelope, orderSnapshot } from '../test/support/events';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const BATCH = 500;
const PG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/postgres');

function events(storeId: string) {
  return Array.from({ length: EVENTS }, (_, i) => {
    const snap = orderSnapshot({
      orderId: `${storeId}-b${i}`,
      storeId,
      lines: [
        { qty: 1 + (i % 3), unit: 99 + (i % 500) },
        { qty: 1, unit: 250 },
      ],
    });
    const env = envelope('order.completed', snap.order.order_id, snap, { store_id: storeId, hub_seq: i + 1 });
    return {
      topic: storeEventsTopic(storeId),
      partition: 0,
      offset: String(i),
      key: env.key,
      value: JSON.stringify(env),
    };
  });
}

async function timeIt(fn: () => Promise<unknown>, what = ''): Promise<number> {
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  if (what) process.stderr.write(`bench: ${what} ${Math.round(ms)} ms\n`);
  return ms;
}

async function ingestFigures(h: OpenedDb, label: string): Promise<string[]> {
  const recs = events('bench1');
  await sql`CREATE TABLE IF NOT EXISTS bench_raw (event_id text PRIMARY KEY, data jsonb NOT NULL)`.execute(
    h.db,
  );
  const raw = await timeIt(async () => {
    for (let i = 0; i < recs.length; i += BATCH) {
      const page = recs
        .slice(i, i + BATCH)
        .map((r) => ({ id: (JSON.parse(r.value!) as { event_id: string }).event_id, v: r.value! }));
      await sql`INSERT INTO bench_raw (event_id, data) VALUES ${sql.join(page.map((p) => sql`(${p.id}, ${p.v}::jsonb)`))} ON CONFLICT DO NOTHING`.execute(
        h.db,
      );
    }
  }, `${label} raw`);
  const ingest = await timeIt(async () => {
    for (let i = 0; i < recs.length; i += BATCH) await ingestBatch(h.db, recs.slice(i, i + BATCH));
  }, `${label} ingest`);
  const replay = await timeIt(async () => {
    for (let i = 0; i < recs.length; i += BATCH) await ingestBatch(h.db, recs.slice(i, i + BATCH));
  });
  const recompute = await timeIt(() => recomputeAggregates(h.db, ['bench1']), `${label} recompute`);
  const rate = (ms: number) => Math.round((recs.length / ms) * 1000);
  return [
    `| ${label} | ${rate(ingest)} ev/s | ${rate(raw)} rows/s | ${Math.round((rate(ingest) / rate(raw)) * 100)} % | ${rate(replay)} ev/s | ${(recompute / 1000).toFixed(2)} s |`,
  ];
}

async function publishFigure(h: OpenedDb): Promise<string> {
  await upsertStore(h.db, {
    store_id: 'bench-pub',
    name: 'bench',
    timezone: 'Europe/Paris',
    currency: 'EUR',
  });
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    item_id: `item-${i}`,
    product_identifier: String(2_000_000_000_000 + i),
    name: `Item ${i} with a realistic length of name`,
    base_price: `${1 + (i % 50)}.${String(i % 100).padStart(2, '0')}`,
    tax_code: 'STD',
    category_ids: [`c${i % 40}`],
  }));
  let chunks = 0;
  const ms = await timeIt(async () => {
    const r = await publish(h.db, {
      stream: 'catalog',
      mode: 'snapshot',
      store_ids: ['bench-pub'],
      document: { items },
    });
    chunks = r.publications[0]!.chunks;
  }, 'publish');
  return `${ITEMS.toLocaleString('en')}-item catalogue snapshot published (validation + diff + ${chunks} chunks into the outbox) on PGlite: ${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<void> {
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
  const out: string[] = [
    `## cloud-sync HQ — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `\`npm run bench -w cloud-sync\` (cloud-sync/bench/hq.ts). Machine: 2-core VM shared with ~8 engineers, Node ${process.version}; load average (1/5/15 min) at start ${load}.`,
    '',
    `Ingestion of ${EVENTS.toLocaleString('en')} order.completed events (2 lines each) in transactions of ${BATCH}; baseline = the same envelopes inserted as bare (event_id, jsonb) rows, one multi-row INSERT per batch, same database, same run. Replay = the same events again (all duplicates). Recompute = §8.1 aggregates rebuilt from the stored events.`,
    '',
    '| database | HQ ingest | bare inserts (baseline) | ingest / baseline | replay | recompute |',
    '|---|---|---|---|---|---|',
  ];
  const lite = await openHqDb('memory://');
  out.push(...(await ingestFigures(lite, 'PGlite 0.5.17 (memory)')));
  const pub = await publishFigure(lite);
  await lite.close();
  let pgdata = '';
  try {
    const line = execFileSync('bash', [path.join(PG, 'pg-up.sh')], { encoding: 'utf8' });
    const kv = Object.fromEntries(
      line
        .trim()
        .split(/\s+/)
        .map((p) => p.split('=') as [string, string]),
    );
    pgdata = kv.PGDATA!;
    const pg = await openHqDb(kv.PGURL!);
    out.push(...(await ingestFigures(pg, 'PostgreSQL 15 (loopback, fsync off)')));
    await pg.close();
  } catch (err) {
    out.push(`| PostgreSQL | not run: ${String(err).split('\n')[0]} | | | | |`);
  } finally {
    if (pgdata) execFileSync('bash', [path.join(PG, 'pg-down.sh'), pgdata]);
  }
  out.push(
    '',
    pub,
    '',
    `Load average at the end: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')}.`,
    '',
  );
  const text = out.join('\n');
  process.stdout.write(`${text}\n`);
  if (process.env.BENCH_OUT) fs.writeFileSync(process.env.BENCH_OUT, text);
}

await main();
