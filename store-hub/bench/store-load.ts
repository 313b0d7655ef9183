/**
 * Open-loop store load against the real hub process (issue 8 §3 "benchmarks that model a store").
 *
 * Each simulated kiosk scans at a human rate — the next scan is due 1–3 s (uniform) after the
 * previous one was DUE, whether or not its answer has arrived (open loop: a slow hub does not
 * slow the shoppers down, so queueing shows up in the latency instead of being hidden by it).
 * Latency is measured from the due time (no coordinated omission). A basket grows to 60 lines,
 * is checked out (order + card tender against the terminal simulator) and a new one starts.
 * Every kiosk also holds a socket.io connection, so the hub pushes its live events as in a store.
 *
 * Hub-side time comes from the hub's `Server-Timing: app;dur=…` header (guards, validation,
 * transaction, idempotency record and serialisation), the client-side time includes HTTP and
 * the bench's own (shared-CPU) event loop.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { ClientRepo } from '../src/modules/clients/repo';
import { createPairingCode } from '../src/modules/clients/service';
import { openDatabase } from '../src/platform/db/database';
import type { RunningHub, Client } from '../test/harness';
import { importFile, pairKiosk, startHubProcess } from '../test/harness';

export const MAX_LINES = 60;

export interface LoadFigures {
  kiosks: number;
  seconds: number;
  scans: number;
  scansPerSec: number;
  client: { p50: number; p99: number };
  server: { p50: number; p99: number };
  /** Hub-side scan time by the basket's line count before the scan. */
  serverByLines: { small: { p50: number; n: number }; large: { p50: number; n: number } };
  checkouts: number;
  errors: number;
  /** Refusals and transport failures by code (a merge past an item's per-basket limit…). */
  errorCodes: Record<string, number>;
  load: { before: number[]; after: number[] };
}

export const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const serverDur = (res: Response): number => {
  const m = /app;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
  return m ? Number(m[1]) : NaN;
};

interface Kiosk {
  client: Client;
  socket: Socket;
  basket: string;
  lines: number;
}

/** A fetch that returns the parsed body and the hub-side duration. */
async function call(
  k: Kiosk,
  method: string,
  p: string,
  body: unknown,
  key: string,
): Promise<{ status: number; body: { data?: Record<string, unknown> }; server: number }> {
  const res = await fetch(k.client.url + p, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${k.client.token}`,
      ...(method === 'GET' ? {} : { 'idempotency-key': key }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await res.json()) as { data?: Record<string, unknown> };
  return { status: res.status, body: parsed, server: serverDur(res) };
}

export interface StoreHub {
  hub: RunningHub;
  kiosks: Kiosk[];
  codes: string[];
  stop(): Promise<void>;
}

/** Starts a hub on the demo store and pairs `n` kiosks, each with its socket.io connection. */
export async function startStore(demoFile: string, n: number): Promise<StoreHub> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-load-'));
  if (importFile(dir, demoFile).code !== 0) throw new Error('demo import failed');
  const hub = await startHubProcess(dir, ['--sim-decide-ms', '0'], {
    LOG_LEVEL: 'warn',
    KASSA_VALIDATE_RESPONSES: '0',
  });
  const doc = JSON.parse(fs.readFileSync(demoFile, 'utf8')) as {
    items: { product_identifier: string; requires_approval?: boolean; unit_of_measure?: string }[];
  };
  // Counted items a kiosk may sell without staff: every scan of a new code adds a line.
  const codes = doc.items
    .filter((i) => !i.requires_approval && (i.unit_of_measure ?? 'each') === 'each')
    .map((i) => i.product_identifier);
  const codesDb = openDatabase(dir, { migrate: false });
  const kiosks: Kiosk[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const code = i === 0 ? hub.pairingCode : createPairingCode(new ClientRepo(codesDb)).code;
      const { client } = await pairKiosk(hub.url, code, `BENCH-${i + 1}`);
      // A kiosk on the delta answers asks for basket versions, not whole baskets (as the kiosk app does).
      const auth = {
        token: client.token,
        ...(process.env.BENCH_VIEW === 'delta' ? { basket_events: 'version' } : {}),
      };
      const socket = io(hub.url, { auth, transports: ['websocket'] });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      kiosks.push({ client, socket, basket: '', lines: 0 });
    }
  } finally {
    codesDb.close();
  }
  return {
    hub,
    kiosks,
    codes,
    stop: async () => {
      for (const k of kiosks) k.socket.close();
      await hub.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let keySeq = 0;
const key = (): string => `bench-${process.pid}-${++keySeq}`;

async function newBasket(k: Kiosk): Promise<void> {
  const r = await call(k, 'POST', '/v1/baskets', {}, key());
  if (r.status !== 201 && r.status !== 200) throw new Error(`basket: ${JSON.stringify(r.body)}`);
  k.basket = String(r.body.data!.basket_id);
  k.lines = 0;
}

async function checkout(k: Kiosk): Promise<void> {
  const o = await call(k, 'POST', '/v1/orders', { basket_id: k.basket }, key());
  if (o.status >= 300) throw new Error(`order: ${JSON.stringify(o.body)}`);
  const orderId = (o.body.data as { order_id: string }).order_id;
  const t = await call(k, 'POST', `/v1/orders/${orderId}/tenders`, { method: 'card' }, key());
  if ((t.body.data as { order_status?: string } | undefined)?.order_status !== 'completed')
    throw new Error(`tender did not complete: ${JSON.stringify(t.body)}`);
  if (t.status >= 300) throw new Error(`tender: ${JSON.stringify(t.body)}`);
}

const lineCount = (data: Record<string, unknown> | undefined): number | null => {
  const b = (data?.basket ?? data) as { priced?: { lines?: unknown[] }; line_ids?: unknown[] } | undefined;
  // A delta answer lists every line id; a full answer carries the lines.
  if (Array.isArray(b?.line_ids)) return b.line_ids.length;
  return b?.priced?.lines?.length ?? null;
};

/** Where scans go: the full-basket answer (default) or the delta answer (BENCH_VIEW=delta). */
export const scanPath = (basket: string): string =>
  process.env.BENCH_VIEW === 'delta' ? `/v1/baskets/${basket}/delta/lines` : `/v1/baskets/${basket}/lines`;

/**
 * One open-loop run: the first `n` kiosks scan for warm-up + measure seconds; only scans due
 * during the measured window count.
 */
export async function openLoop(
  store: StoreHub,
  n: number,
  opts: { warmupS: number; measureS: number; scanPath?: (basket: string) => string },
): Promise<LoadFigures> {
  const kiosks = store.kiosks.slice(0, n);
  const fill = new Map<Kiosk, number>();
  {
    // A store in mid-trade: each basket starts somewhere between empty and full (uniform), so
    // the measured window sees every basket size, not only the first 20 scans of each.
    let r = 0x9e3779b9 ^ n;
    const next = (): number => {
      r ^= r << 13;
      r ^= r >>> 17;
      r ^= r << 5;
      return (r >>> 0) / 4294967296;
    };
    const queue = [...kiosks];
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        for (let k = queue.shift(); k; k = queue.shift()) {
          await newBasket(k);
          const lines = Math.floor(next() * MAX_LINES);
          for (let i = 0; i < lines; i++) {
            const code = store.codes[Math.floor(next() * store.codes.length)]!;
            const res = await call(k, 'POST', `/v1/baskets/${k.basket}/lines`, { code }, key());
            k.lines = lineCount(res.body.data) ?? k.lines;
          }
          fill.set(k, lines);
        }
      }),
    );
  }
  const loadBefore = os.loadavg();
  const t0 = performance.now();
  const measureFrom = t0 + opts.warmupS * 1000;
  const end = measureFrom + opts.measureS * 1000;
  const client: number[] = [];
  const server: number[] = [];
  const small: number[] = [];
  const large: number[] = [];
  let errors = 0;
  const errorCodes: Record<string, number> = {};
  let checkouts = 0;
  let rnd = 0x2545f491 ^ n;
  const rand = (): number => {
    // xorshift: the same schedule for the same kiosk count, run after run.
    rnd ^= rnd << 13;
    rnd ^= rnd >>> 17;
    rnd ^= rnd << 5;
    return (rnd >>> 0) / 4294967296;
  };
  const path = opts.scanPath ?? scanPath;
  await Promise.all(
    kiosks.map(async (k, ki) => {
      let due = t0 + rand() * 3000; // kiosks do not start in lockstep
      const inFlight = new Set<Promise<void>>();
      let sent = fill.get(k) ?? 0;
      while (due < end) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const dueAt = due;
        const before = k.lines;
        const code = store.codes[Math.floor(rand() * store.codes.length)]!;
        const p = call(k, 'POST', path(k.basket), { code }, key()).then(
          (r) => {
            const took = performance.now() - dueAt;
            const lines = lineCount(r.body.data);
            if (r.status !== 201 && r.status !== 200) {
              errors++;
              const code = (r.body as { error?: { code?: string } }).error?.code ?? String(r.status);
              errorCodes[code] = (errorCodes[code] ?? 0) + 1;
            } else if (lines !== null) k.lines = Math.max(k.lines, lines);
            if (dueAt >= measureFrom && dueAt < end) {
              client.push(took);
              if (!Number.isNaN(r.server)) {
                server.push(r.server);
                if (before <= 10) small.push(r.server);
                else if (before >= MAX_LINES - 10) large.push(r.server);
              }
            }
          },
          (err: unknown) => {
            errors++;
            const code = `fetch: ${(err as { cause?: { code?: string } }).cause?.code ?? String(err)}`;
            errorCodes[code] = (errorCodes[code] ?? 0) + 1;
          },
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        sent++;
        due += 1000 + rand() * 2000;
        if (sent >= MAX_LINES) {
          // The shopper pays, then the next one starts; scans resume on the human schedule.
          await Promise.all(inFlight);
          try {
            await checkout(k);
            checkouts++;
          } catch (err) {
            errors++;
            const code = `checkout: ${String(err).slice(0, 120)}`;
            errorCodes[code] = (errorCodes[code] ?? 0) + 1;
          }
          await newBasket(k);
          sent = 0;
          due = Math.max(due, performance.now());
        }
        void ki;
      }
      await Promise.all(inFlight);
    }),
  );
  const loadAfter = os.loadavg();
  return {
    kiosks: n,
    seconds: opts.measureS,
    scans: client.length,
    scansPerSec: client.length / opts.measureS,
    client: { p50: pct(client, 50), p99: pct(client, 99) },
    server: { p50: pct(server, 50), p99: pct(server, 99) },
    serverByLines: {
      small: { p50: pct(small, 50), n: small.length },
      large: { p50: pct(large, 50), n: large.length },
    },
    checkouts,
    errors,
    errorCodes,
    load: { before: loadBefore, after: loadAfter },
  };
}

/**
 * Hub-side cost of one scan into a basket of `lines` lines, on a quiet hub: one kiosk, one
 * request at a time, `reps` baskets built to lines-1 and the lines-th scan timed.
 */
export async function perScanCost(store: StoreHub, lines: number, reps: number): Promise<number> {
  const k = store.kiosks[0]!;
  const took: number[] = [];
  for (let r = 0; r < reps; r++) {
    await newBasket(k);
    const pick = (i: number): string => store.codes[(r * 211 + i * 37) % store.codes.length]!;
    for (let i = 0; i < lines - 1; i++) await call(k, 'POST', scanPath(k.basket), { code: pick(i) }, key());
    const res = await call(k, 'POST', scanPath(k.basket), { code: pick(lines - 1) }, key());
    took.push(res.server);
  }
  return pct(took, 50);
}

/**
 * Closed-loop scan throughput (each scan is one hub commit): `c` kiosks scanning back to back
 * for `seconds`, baskets restarted at 60 lines. Returns commits per second.
 */
export async function hubCommitsPerSec(store: StoreHub, c: number, seconds: number): Promise<number> {
  const kiosks = store.kiosks.slice(0, c);
  for (const k of kiosks) await newBasket(k);
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  await Promise.all(
    kiosks.map(async (k, ki) => {
      let i = 0;
      while (performance.now() < end) {
        if (k.lines >= MAX_LINES - 1) await newBasket(k);
        const code = store.codes[(ki * 997 + i++ * 31) % store.codes.length]!;
        const r = await call(k, 'POST', scanPath(k.basket), { code }, key());
        k.lines = lineCount(r.body.data) ?? k.lines + 1;
        n++;
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

/** What one scan writes, measured on the real hub (see scanSizes). */
export interface ScanWrites {
  lineBytes: number;
  /** The whole priced JSON (a tree before migration 0007 stores it in one column). */
  pricedBytes: number;
  /** Since 0007: the priced JSON's head, and the lines whose JSON changed with this scan. */
  headBytes: number;
  partBytes: number;
  partsPerScan: number;
  answerBytes: number;
  /** Whether this tree's schema stores the priced state by parts (0007). */
  parts: boolean;
}

const hasPricedParts = (db: Database.Database): boolean =>
  (db.prepare(`PRAGMA table_info(baskets)`).all() as { name: string }[]).some(
    (c) => c.name === 'priced_head',
  );

/**
 * The SQL one scan's transaction runs, straight through better-sqlite3 with statements prepared
 * once, on the hub's schema and pragmas — the idempotency lookup, the next line number, the line
 * row, the priced head (or, before 0007, the whole priced JSON), the changed priced lines and
 * the idempotency record — one BEGIN IMMEDIATE … COMMIT per scan. The baseline for the hub's
 * own storage path (storagePathCommits) and for its end-to-end scans (hubCommitsPerSec).
 */
export function rawCommitsPerSec(
  seconds: number,
  sizes: ScanWrites,
  synchronous: 'FULL' | 'NORMAL' = 'FULL',
): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-raw-'));
  const db = openDatabase(dir);
  try {
    db.pragma(`synchronous = ${synchronous}`);
    const device = 'raw-device';
    db.prepare(
      `INSERT INTO devices(device_id, retailer_device_id, kind, platform, name, token_hash, paired_at) VALUES (?, 'raw', 'self_checkout', 'android_kiosk', 'raw', 'x', '2026-01-01')`,
    ).run(device);
    const parts = sizes.parts && hasPricedParts(db);
    const head = 'h'.repeat(parts ? sizes.headBytes : sizes.pricedBytes);
    const part = 'p'.repeat(sizes.partBytes);
    const answer = 'y'.repeat(sizes.answerBytes);
    const line = 'z'.repeat(sizes.lineBytes);
    const insBasket = db.prepare(
      `INSERT INTO baskets(basket_id, device_id, session_id, state, version, created_at, updated_at) VALUES (?, ?, NULL, 'active', 0, ?, ?)`,
    );
    const find = db.prepare(
      `SELECT request_hash, status, response FROM idempotency WHERE device_id = ? AND key = ?`,
    );
    const nextSeq = db.prepare(`SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM basket_lines WHERE basket_id = ?`);
    const insLine = db.prepare(
      `INSERT INTO basket_lines(line_id, basket_id, seq, input, created_at) VALUES (?, ?, ?, ?, ?)`,
    );
    const upd = db.prepare(
      parts
        ? `UPDATE baskets SET priced_head = ?, priced = '{}', pricing_error = NULL, requires_approval = 0, version = version + 1, updated_at = ? WHERE basket_id = ? RETURNING version`
        : `UPDATE baskets SET priced = ?, pricing_error = NULL, requires_approval = 0, version = version + 1, updated_at = ? WHERE basket_id = ? RETURNING version`,
    );
    const putPart = parts
      ? db.prepare(
          `INSERT INTO basket_priced_lines(basket_id, line_id, pos, json) VALUES (?, ?, ?, ?)
           ON CONFLICT(basket_id, line_id) DO UPDATE SET pos = excluded.pos, json = excluded.json`,
        )
      : null;
    const idem = db.prepare(
      `INSERT OR IGNORE INTO idempotency(device_id, key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    let basket = '';
    let lines = 0;
    let n = 0;
    const scan = db.transaction(() => {
      const at = new Date().toISOString();
      if (lines % MAX_LINES === 0) {
        basket = `b${n}`;
        lines = 0;
        insBasket.run(basket, device, at, at);
      }
      find.get(device, `k${n}`);
      const seq = (nextSeq.get(basket) as { s: number }).s;
      insLine.run(`l${n}`, basket, seq, line, at);
      lines++;
      upd.get(head, at, basket);
      // The new line and (partsPerScan - 1) earlier ones whose JSON changed with it.
      for (let i = 0; putPart && i < sizes.partsPerScan; i++)
        putPart.run(basket, `l${n - Math.min(i, lines - 1)}`, seq - Math.min(i, lines - 1), part);
      idem.run(device, `k${n}`, 'h', 201, answer, at);
    });
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    while (performance.now() < end) {
      scan.immediate();
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The hub's own storage path for the same writes, in-process and without HTTP or pricing: the
 * hub's Tx (group commit, savepoint per member, after-commit queue), its Idempotency (lookup,
 * record) and its BasketRepo statements, with `kiosks` simulated kiosks each writing its next
 * scan as soon as the previous one is committed (closed loop), at synchronous=NORMAL like the
 * hub's basket edits. Members that arrive in one event-loop turn share one commit. Returns
 * null on a tree without group commit or priced parts (the BEFORE hub of older A/B runs).
 */
export async function storagePathCommits(
  seconds: number,
  sizes: ScanWrites,
  kiosks: number,
): Promise<{ scansPerSec: number; commitsPerSec: number; perCommit: number } | null> {
  const txMod = (await import('../src/platform/db/tx')) as Record<string, unknown>;
  const Tx = txMod.Tx as (new (db: unknown) => Record<string, unknown>) | undefined;
  if (!Tx || typeof Tx.prototype.group !== 'function') return null;
  const { Idempotency } = await import('../src/platform/http/idempotency');
  const { BasketRepo } = await import('../src/modules/baskets/repo');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-path-'));
  const db = openDatabase(dir);
  try {
    if (!hasPricedParts(db)) return null;
    const tx = new Tx(db) as unknown as {
      group<T>(fn: () => T, o?: { relaxed?: boolean }): Promise<T>;
      run<T>(fn: () => T, o?: { relaxed?: boolean }): T;
      groupStats: { commits: number; members: number };
    };
    const idem = new Idempotency(db, tx as never);
    const repo = new BasketRepo(db) as unknown as {
      insertLine(b: string, l: unknown, at: string): void;
      storePricedHead(b: string, head: string, approval: boolean, at: string): number;
      putPart(b: string, l: string, pos: number, json: string): void;
    };
    const head = 'h'.repeat(sizes.headBytes);
    const part = 'p'.repeat(sizes.partBytes);
    const answer = { data: 'y'.repeat(Math.max(0, sizes.answerBytes - 11)) };
    const line = { line_id: '', code: 'z'.repeat(Math.max(0, sizes.lineBytes - 40)) };
    const insBasket = db.prepare(
      `INSERT INTO baskets(basket_id, device_id, session_id, state, version, created_at, updated_at) VALUES (?, ?, NULL, 'active', 0, ?, ?)`,
    );
    const insDevice = db.prepare(
      `INSERT INTO devices(device_id, retailer_device_id, kind, platform, name, token_hash, paired_at) VALUES (?, ?, 'self_checkout', 'android_kiosk', ?, ?, '2026-01-01')`,
    );
    let n = 0;
    const one = (k: number, basket: string, lines: number): Promise<unknown> => {
      const i = ++n;
      const device = `dev-${k}`;
      return tx.group(
        () =>
          idem.runSync(device, `k${i}`, 'h', () => {
            const at = new Date().toISOString();
            repo.insertLine(basket, { ...line, line_id: `l${i}` }, at);
            repo.storePricedHead(basket, head, false, at);
            for (let j = 0; j < sizes.partsPerScan; j++)
              repo.putPart(basket, `l${i - Math.min(j, lines)}`, lines - Math.min(j, lines), part);
            return { status: 201, body: answer };
          }),
        { relaxed: true },
      );
    };
    const loop = async (k: number, end: number): Promise<void> => {
      let basket = '';
      let lines = MAX_LINES;
      while (performance.now() < end) {
        if (lines >= MAX_LINES) {
          basket = `b${k}-${n}`;
          const at = new Date().toISOString();
          tx.run(() => insBasket.run(basket, `dev-${k}`, at, at), { relaxed: true });
          lines = 0;
        }
        await one(k, basket, lines);
        lines++;
      }
    };
    for (let k = 0; k < kiosks; k++) insDevice.run(`dev-${k}`, `r${k}`, `K${k}`, `token-${k}`);
    await Promise.all(Array.from({ length: kiosks }, (_, k) => loop(k, performance.now() + 1000))); // warm-up
    const c0 = tx.groupStats.commits;
    const n0 = n;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(Array.from({ length: kiosks }, (_, k) => loop(k, end)));
    const s = (performance.now() - t0) / 1000;
    const commits = tx.groupStats.commits - c0;
    return {
      scansPerSec: (n - n0) / s,
      commitsPerSec: commits / s,
      perCommit: (n - n0) / Math.max(1, commits),
    };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a mid-basket scan (the 30th line) writes, read back from the hub's database: the line
 * row, the priced state (whole, or head + the priced lines the scan changed) and the idempotency
 * record.
 */
export async function scanSizes(store: StoreHub): Promise<ScanWrites> {
  const k = store.kiosks[0]!;
  await newBasket(k);
  const file = path.join(store.hub.dataDir, 'kassa-hub.sqlite');
  const scan = (i: number) =>
    call(
      k,
      'POST',
      `/v1/baskets/${k.basket}/lines`,
      { code: store.codes[(i * 53) % store.codes.length]! },
      key(),
    );
  for (let i = 0; i < 29; i++) await scan(i);
  const read = <T>(f: (db: Database.Database) => T): T => {
    const db = new Database(file, { readonly: true });
    try {
      return f(db);
    } finally {
      db.close();
    }
  };
  const parts = read(hasPricedParts);
  const partsNow = (): Map<string, string> =>
    parts
      ? read(
          (db) =>
            new Map(
              (
                db
                  .prepare(`SELECT line_id, json FROM basket_priced_lines WHERE basket_id = ?`)
                  .all(k.basket) as {
                  line_id: string;
                  json: string;
                }[]
              ).map((r) => [r.line_id, r.json]),
            ),
        )
      : new Map();
  const before = partsNow();
  await scan(29);
  const after = partsNow();
  const changed = [...after].filter(([id, json]) => before.get(id) !== json);
  return read((db) => {
    const whole = db
      .prepare(
        parts
          ? `SELECT length(priced_head) AS head, length(priced) AS whole FROM baskets WHERE basket_id = ?`
          : `SELECT 0 AS head, length(priced) AS whole FROM baskets WHERE basket_id = ?`,
      )
      .get(k.basket) as { head: number; whole: number };
    const l = db
      .prepare(`SELECT CAST(avg(length(input)) AS INTEGER) AS n FROM basket_lines WHERE basket_id = ?`)
      .get(k.basket) as { n: number };
    const a = db
      .prepare(`SELECT length(response) AS n FROM idempotency ORDER BY rowid DESC LIMIT 1`)
      .get() as {
      n: number;
    };
    const partBytes = changed.length
      ? Math.round(changed.reduce((t, [, j]) => t + j.length, 0) / changed.length)
      : 0;
    const allParts = [...after.values()].reduce((t, j) => t + j.length, 0);
    return {
      lineBytes: l.n,
      pricedBytes: parts ? whole.head + allParts : whole.whole,
      headBytes: whole.head,
      partBytes,
      partsPerScan: changed.length,
      answerBytes: a.n,
      parts,
    };
  });
}
