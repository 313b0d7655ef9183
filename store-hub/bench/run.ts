/**
 * store-hub benchmarks (npm run bench -w store-hub):
 *  1. checkouts per second committed durably (basket → line → order → approved tender →
 *     completion with numbers, receipt and outbox event; synchronous=FULL), against a raw
 *     better-sqlite3 loop of durable single-row commits on the same disk in the same run;
 *  2. scan-to-priced-basket latency over socket.io: 20 kiosks scanning at once against the real
 *     hub process with the demo store; time from sending the scan to receiving the priced
 *     basket event.
 * Appends the figures to docs/benchmarks.md under a "store-hub" heading.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import pino from 'pino';
import { buildServices } from '../src/main';
import { importDoc } from '../src/modules/catalog/import';
import { ClientRepo } from '../src/modules/clients/repo';
import { createPairingCode } from '../src/modules/clients/service';
import { TerminalSimulator } from '../src/modules/payments/terminal/simulator';
import { openDatabase } from '../src/platform/db/database';
import type { Client } from '../test/harness';
import { importFile, pairKiosk, startHubProcess } from '../test/harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 300);
const KIOSKS = 20;
const SCANS_PER_KIOSK = Number(process.env.BENCH_SCANS ?? 25);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function checkoutThroughput(
  demoFile: string,
): Promise<{ hubPerSec: number; rawPerSec: number; commitsPerCheckout: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-'));
  const db = openDatabase(dir);
  await importDoc(db, JSON.parse(fs.readFileSync(demoFile, 'utf8')) as Record<string, unknown[]>);
  const terminal = new TerminalSimulator(path.join(dir, 'sim.sqlite'), { decideAfterMs: 0 });
  const { services } = buildServices(db, pino({ level: 'silent' }), {
    terminal,
    terminalTimeoutMs: 10_000,
    tenderWaitMs: 10_000,
  });
  const { pairing, baskets: sales, orders, payments } = services;
  const { device_id } = pairing.pair({
    code: pairing.createCode().code,
    name: 'B',
    retailer_device_id: 'B1',
    kind: 'self_checkout',
    platform: 'android_kiosk',
    lane_device_id: null,
    replace: false,
  });
  const device = pairing.repo.get(device_id)!;
  const codes = (
    db
      .prepare(
        `SELECT product_identifier FROM catalog_items WHERE doc NOT LIKE '%requires_approval%' AND product_identifier LIKE '50%' LIMIT 50`,
      )
      .all() as { product_identifier: string }[]
  ).map((r) => r.product_identifier);
  const one = async (i: number): Promise<void> => {
    const b = sales.createBasket(device, null);
    sales.addLine(device, b.basket_id, { code: codes[i % codes.length]!, quantity: 1 });
    const o = orders.createOrder(device, { basket_id: b.basket_id });
    const r = await payments.startTender(device, o.order.order_id, { method: 'card' }, null);
    if (r.order_status !== 'completed')
      throw new Error(`checkout ${i} did not complete: ${JSON.stringify(r.payment)}`);
  };
  for (let i = 0; i < 10; i++) await one(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < CHECKOUTS; i++) await one(i);
  const hubPerSec = CHECKOUTS / ((performance.now() - t0) / 1000);
  const events = (
    db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE type = 'order.completed'`).get() as { n: number }
  ).n;
  if (events !== CHECKOUTS + 10)
    throw new Error(`expected ${CHECKOUTS + 10} order.completed events, found ${events}`);
  db.close();
  terminal.close();

  // Baseline: the same durability settings, one single-row insert per commit.
  const raw = new Database(path.join(dir, 'raw.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)`);
  const ins = raw.prepare(`INSERT INTO t(payload) VALUES (?)`);
  const n = CHECKOUTS * 5;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) ins.run(`row ${i}`);
  const rawPerSec = n / ((performance.now() - t1) / 1000);
  raw.close();
  fs.rmSync(dir, { recursive: true, force: true });
  // Commits per hub checkout: basket, line, order, tender start, tender result (+ terminal journal writes).
  return { hubPerSec, rawPerSec, commitsPerCheckout: 5 };
}

async function scanLatency(demoFile: string): Promise<{ median: number; p99: number; n: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-hub-'));
  if (importFile(dir, demoFile).code !== 0) throw new Error('demo import failed');
  const hub = await startHubProcess(dir);
  try {
    const doc = JSON.parse(fs.readFileSync(demoFile, 'utf8')) as {
      items: { product_identifier: string; requires_approval?: boolean; unit_of_measure?: string }[];
    };
    const codes = doc.items
      .filter((i) => !i.requires_approval && i.unit_of_measure !== 'kg')
      .map((i) => i.product_identifier);
    const kiosks: { c: Client; socket: ReturnType<typeof io>; basket: string }[] = [];
    for (let k = 0; k < KIOSKS; k++) {
      const code = k === 0 ? hub.pairingCode : createCode(dir);
      const { client } = await pairKiosk(hub.url, code, `K${k + 1}`);
      const socket = io(hub.url, { auth: { token: client.token }, transports: ['websocket'] });
      await new Promise<void>((r) => socket.on('connect', () => r()));
      const b = await client.req('POST', '/v1/baskets', {});
      kiosks.push({ c: client, socket, basket: b.body.data.basket_id as string });
    }
    const samples: number[] = [];
    await Promise.all(
      kiosks.map(async (k, ki) => {
        for (let s = 0; s < SCANS_PER_KIOSK; s++) {
          const code = codes[(ki * 97 + s * 13) % codes.length]!;
          const t0 = performance.now();
          const got = new Promise<void>((resolve) => {
            const on = (basket: {
              basket_id: string;
              priced: { lines: { scanned_code: string }[] };
            }): void => {
              if (basket.basket_id === k.basket && basket.priced.lines.some((l) => l.scanned_code === code)) {
                k.socket.off('basket.updated', on);
                resolve();
              }
            };
            k.socket.on('basket.updated', on);
          });
          await k.c.req('POST', `/v1/baskets/${k.basket}/lines`, { code });
          await got;
          samples.push(performance.now() - t0);
        }
      }),
    );
    for (const k of kiosks) k.socket.close();
    return { median: pct(samples, 50), p99: pct(samples, 99), n: samples.length };
  } finally {
    await hub.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function createCode(dir: string): string {
  const db = openDatabase(dir);
  try {
    return createPairingCode(new ClientRepo(db)).code;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const demoFile = path.join(os.tmpdir(), `kassa-bench-demo-${process.pid}.json`);
  fs.writeFileSync(demoFile, JSON.stringify(generateDemoStore()));
  const tp = await checkoutThroughput(demoFile);
  const lat = await scanLatency(demoFile);
  fs.rmSync(demoFile, { force: true });
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const ratio = tp.rawPerSec / tp.hubPerSec;
  const text = [
    '',
    `## store-hub — ${when} UTC`,
    '',
    `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}. Demo store (3,000 items, 39 promotions), SQLite WAL with synchronous=FULL.`,
    '',
    '### Durable checkouts',
    '',
    `Each checkout: new basket, one scanned line priced by promo-core, order, card tender approved by the terminal simulator, completion (POS-log and receipt numbers, stored receipt, order.completed outbox event) — ${tp.commitsPerCheckout} durable commits at the hub, ${CHECKOUTS} checkouts in a row.`,
    '',
    '| variant | per second |',
    '|---|---|',
    `| hub checkouts (with outbox) | ${tp.hubPerSec.toFixed(1)} |`,
    `| baseline: raw better-sqlite3 single-row durable commits | ${tp.rawPerSec.toFixed(0)} |`,
    '',
    `Ratio (raw commits per second / hub checkouts per second): ${ratio.toFixed(1)}× — a checkout costs about ${ratio.toFixed(1)} raw commits.`,
    '',
    '### Scan to priced basket over socket.io',
    '',
    `${KIOSKS} kiosks scanning at once against the hub process, ${SCANS_PER_KIOSK} scans each (${lat.n} samples): time from sending POST /lines to receiving the basket.updated event carrying the new line.`,
    '',
    '| median | p99 |',
    '|---|---|',
    `| ${lat.median.toFixed(1)} ms | ${lat.p99.toFixed(1)} ms |`,
    '',
  ].join('\n');
  console.log(text);
  const file = path.join(here, '..', '..', 'docs', 'benchmarks.md');
  fs.appendFileSync(file, text);
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
