/**
 * `npm run bench -w kiosk-app [-- scan|replication] [--write] [--before <dist>]`: the kiosk in
 * Debian's Chromium against a real hub process.
 *   - replication: first paint and ready time of the built app; the demo catalogue (3,000 items)
 *     and a 100,000-item catalogue replicated into RxDB on Dexie/IndexedDB (page open → first
 *     replication complete);
 *   - scan: scan → line on screen with local pricing (bench/scan.ts: keyboard wedge at a human
 *     rate after a warm-up, Enter → line in the DOM → the frame that shows it) with 5 and 60
 *     lines in the basket, against the hub's round trip (POST lines → answer) in the same run.
 *     `--before <dist>` also measures another build of the app (e.g. an older commit's
 *     `vite build --outDir`), served by scripts/serve.ts against the same hub, in turns with
 *     this one: a same-run before/after.
 * Prints a dated section; `--write` appends it to docs/benchmarks.md.
 * Env: KIOSK_BENCH_SAMPLES (120), KIOSK_BENCH_WARMUP (20), KIOSK_BENCH_GAP_MS ("300,900"),
 * KIOSK_BENCH_ITEMS (100000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { parseArgs } from 'node:util';
import { pairKiosk } from '../scripts/pair-url';
import { serveKiosk } from '../scripts/serve';
import type { KioskServer } from '../scripts/serve';
import { demoStore, importStore, startHub, tempDir } from '../test/support/hub';
import type { DemoStore, RunningHub } from '../test/support/hub';
import { scanTimes, summarise } from './scan';
import type { ScanSample } from './scan';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOCS = path.join(here, '..', '..', 'docs', 'benchmarks.md');
const { values: opts, positionals } = parseArgs({
  options: { write: { type: 'boolean', default: false }, before: { type: 'string' } },
  allowPositionals: true,
});
const want = (s: string) => positionals.length === 0 || positionals.includes(s);
const BIG = Number(process.env.KIOSK_BENCH_ITEMS ?? 100_000);
const SAMPLES = Number(process.env.KIOSK_BENCH_SAMPLES ?? 120);
const WARMUP = Number(process.env.KIOSK_BENCH_WARMUP ?? 20);
const HUB_SAMPLES = Math.min(SAMPLES, 60);
const BLOCKS = 4;
const GAP = (process.env.KIOSK_BENCH_GAP_MS ?? '300,900').split(',').map(Number) as [number, number];

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

interface Opened {
  page: Page;
  token: string;
  firstPaint: number;
  ready: number;
  synced: number;
}

/** Opens a kiosk paired as `name`, the app from `origin` (the hub itself unless given). */
async function open(browser: Browser, hub: RunningHub, name: string, origin = hub.url): Promise<Opened> {
  const { token } = await pairKiosk({ hubUrl: hub.url, name });
  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  const t0 = Date.now();
  await page.goto(`${origin}/kiosk/index.html?db=bench-${name}#token=${token}`);
  await page.waitForFunction(
    () => (window as never as { __kiosk?: { getState(): { synced: boolean } } }).__kiosk?.getState().synced,
    null,
    {
      timeout: 600_000,
      polling: 50,
    },
  );
  const synced = Date.now() - t0;
  const marks = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    ready: performance.getEntriesByName('kiosk-ready')[0]?.startTime ?? NaN,
  }));
  return { page, token, firstPaint: marks.fcp, ready: marks.ready, synced };
}

/** Baseline for the replication figure: every item page fetched and parsed, nothing stored. */
async function rawPull(browser: Browser, hub: RunningHub): Promise<{ ms: number; pages: number }> {
  const { token } = await pairKiosk({ hubUrl: hub.url, name: 'K-raw' });
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${hub.url}/healthz`);
  const script = `(async () => {
    const h = { authorization: 'Bearer ' + ${JSON.stringify(token)} };
    const t0 = performance.now();
    let q = 'limit=1000', pages = 0, n = 0;
    for (;;) {
      const r = await (await fetch('/v1/replication/items/pull?' + q, { headers: h })).json();
      pages++;
      n += r.data.documents.length;
      if (r.data.documents.length < 1000) break;
      q = 'limit=1000&updatedAt=' + r.data.checkpoint.updatedAt + '&id=' + encodeURIComponent(r.data.checkpoint.id);
    }
    return { ms: performance.now() - t0, pages, n };
  })()`;
  const r = (await page.evaluate(script)) as { ms: number; pages: number };
  await page.context().close();
  return r;
}

/** The hub's round trip for the same scan: POST /lines → the priced basket back. */
async function hubTimes(
  hubUrl: string,
  token: string,
  basketId: string,
  code: string,
  n: number,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    // A human gap here too: the hub is measured at the rate the kiosk is.
    await new Promise((r) => setTimeout(r, GAP[0] + Math.random() * (GAP[1] - GAP[0])));
    const t0 = performance.now();
    const r = await fetch(`${hubUrl}/v1/baskets/${basketId}/lines`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `bench-${basketId}-${i}-${Math.random()}`,
      },
      body: JSON.stringify({ code }),
    });
    await r.text();
    out.push(performance.now() - t0);
  }
  return out;
}

type KioskWindow = {
  __kiosk: {
    reset(): void;
    chooseLanguage(l: string): void;
    scan(c: string): Promise<void>;
    flushed(): Promise<void>;
    getState(): { basket: { hub_basket_id: string } };
  };
};

async function fill(page: Page, codes: string[]): Promise<void> {
  await page.evaluate(async (codes) => {
    const k = (window as never as KioskWindow).__kiosk;
    k.reset();
    k.chooseLanguage('en');
    for (const c of codes) await k.scan(c);
    await k.flushed();
  }, codes);
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid=line]').length === n,
    codes.length,
    { timeout: 120_000 },
  );
}

interface Variant {
  name: string;
  opened: Opened;
}

/**
 * Scan → line for each build at one basket size: the builds take turns in blocks (so a change
 * of machine load falls on both), each after its own warm-up; then the hub's round trip.
 */
async function basketFigures(variants: Variant[], hubUrl: string, store: DemoStore, lines: number) {
  const codes = store.doc.items
    .filter(
      (i) =>
        (i as { unit_of_measure?: string }).unit_of_measure !== 'kg' &&
        !(i as { minimum_age_required?: number }).minimum_age_required,
    )
    .slice(0, lines + 1)
    .map((i) => (i as { product_identifier: string }).product_identifier);
  const local = new Map<string, ScanSample[]>();
  for (const v of variants) {
    await v.opened.page.bringToFront();
    await fill(v.opened.page, codes.slice(0, lines));
    await scanTimes(v.opened.page, codes[0]!, { samples: 0, warmup: WARMUP, gapMs: GAP });
    local.set(v.name, []);
  }
  for (let b = 0; b < BLOCKS; b++)
    for (const v of variants) {
      await v.opened.page.bringToFront();
      const xs = await scanTimes(v.opened.page, codes[0]!, {
        samples: Math.ceil(SAMPLES / BLOCKS),
        warmup: 0,
        gapMs: GAP,
      });
      local.get(v.name)!.push(...xs);
    }
  const main = variants[variants.length - 1]!.opened;
  const basketId = await main.page.evaluate(
    () => (window as never as KioskWindow).__kiosk.getState().basket.hub_basket_id,
  );
  await main.page.evaluate(() => (window as never as KioskWindow).__kiosk.flushed());
  const hub = await hubTimes(hubUrl, main.token, basketId, codes[lines]!, HUB_SAMPLES);
  return { lines, local, hub };
}

async function main(): Promise<void> {
  const browser = await launch();
  const dir = tempDir('kassa-kiosk-bench-');
  const lines: string[] = [];
  const loads: string[] = [];
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  let before: KioskServer | null = null;
  try {
    // Demo store.
    const store = demoStore(dir);
    const demoData = path.join(dir, 'demo');
    importStore(demoData, store.file);
    const hub = await startHub(demoData);
    loads.push(`start ${load()}`);
    const opened = await open(browser, hub, 'K-bench');
    if (want('replication')) {
      // 100k items.
      const big = demoStore(fs.mkdtempSync(path.join(dir, 'big-')), BIG);
      const bigData = path.join(dir, 'big');
      const tImport = Date.now();
      importStore(bigData, big.file);
      const importMs = Date.now() - tImport;
      const bigHub = await startHub(bigData);
      // Same-run baseline: what any kiosk must do at least — fetch and parse every item page
      // (the hub's own page size) in a page of the same browser, with no storage at all.
      const raw = await rawPull(browser, bigHub);
      loads.push(`after raw pull ${load()}`);
      const bigOpened = await open(browser, bigHub, 'K-big');
      await bigOpened.page.context().close();
      loads.push(`after replication ${load()}`);
      let bigBefore: Opened | null = null;
      if (opts.before) {
        const srv = await serveKiosk({ hubUrl: bigHub.url, dist: path.resolve(opts.before) });
        bigBefore = await open(browser, bigHub, 'K-big-before', srv.url);
        await bigBefore.page.context().close();
        await srv.close();
        loads.push(`after the --before build's replication ${load()}`);
      }
      await bigHub.stop();
      lines.push(
        '### App start and replication into RxDB (page open → first replication complete)',
        '',
        '| catalogue | first contentful paint | app ready | replicated (all 6 collections) |',
        '|---|---|---|---|',
        `| demo store, ${store.doc.items.length.toLocaleString('en')} items, ${store.doc.promotions.length} promotions | ${ms(opened.firstPaint)} | ${ms(opened.ready)} | ${(opened.synced / 1000).toFixed(1)} s |`,
        `| ${big.doc.items.length.toLocaleString('en')} items (hub import ${(importMs / 1000).toFixed(1)} s) | ${ms(bigOpened.firstPaint)} | ${ms(bigOpened.ready)} | **${(bigOpened.synced / 1000).toFixed(1)} s** (goal < 30 s) |`,
        ...(bigBefore
          ? [
              `| the same, --before build | ${ms(bigBefore.firstPaint)} | ${ms(bigBefore.ready)} | ${(bigBefore.synced / 1000).toFixed(1)} s |`,
            ]
          : []),
        `| baseline: the ${raw.pages} item pages fetched and parsed in a page, nothing stored | | | ${(raw.ms / 1000).toFixed(1)} s |`,
        '',
        'Replicated = page open → the app has every collection in RxDB and its promo-core StoreData built (the app is ready to price offline with the whole catalogue).',
        '',
      );
    }
    if (want('scan')) {
      const variants: Variant[] = [];
      if (opts.before) {
        before = await serveKiosk({ hubUrl: hub.url, dist: path.resolve(opts.before) });
        variants.push({ name: 'before', opened: await open(browser, hub, 'K-before', before.url) });
      }
      variants.push({ name: opts.before ? 'after' : 'this build', opened });
      const sizes = [];
      for (const n of [5, 60]) {
        sizes.push(await basketFigures(variants, hub.url, store, n));
        loads.push(`after ${n} lines ${load()}`);
      }
      lines.push(
        `### Scan → line on screen (${SAMPLES} scans per build and size, after ${WARMUP} warm-up scans, one every ${GAP[0]}–${GAP[1]} ms)`,
        '',
        "Enter → DOM: the wedge's Enter key to the changed line in the DOM (wedge, local promo-core pricing, React commit). Enter → painted: to the end of the first frame that shows it (includes the 0–16.7 ms wait for the next frame, whatever the work). Next frame: scans on screen in the first frame after Enter. Hub: the same scan as `POST /v1/baskets/{id}/lines` from Node to the hub → its priced answer (what a kiosk without local pricing would wait for), " +
          `${HUB_SAMPLES} scans at the same rate.`,
        '',
        '| basket | build | Enter → DOM p50 | Enter → DOM p99 | Enter → painted p50 | Enter → painted p99 | next frame | hub round trip p50 | hub round trip p99 |',
        '|---|---|---|---|---|---|---|---|---|',
        ...sizes.flatMap((b) =>
          variants.map((v) => {
            const s = summarise(b.local.get(v.name)!);
            return `| ${b.lines} lines | ${v.name} | ${ms(s.domP50)} | **${ms(s.domP99)}** | ${ms(s.paintP50)} | ${ms(s.paintP99)} | ${(100 * s.nextFrame).toFixed(1)} % (worst ${s.maxFrames}) | ${ms(quantile(b.hub, 0.5))} | ${ms(quantile(b.hub, 0.99))} |`;
          }),
        ),
        '',
      );
    }
    await hub.stop();
  } finally {
    await browser.close();
    await before?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const now = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    `## ${now} kiosk-app ${positionals.join(', ') || 'replication, scan'} (session 3)`,
    '',
    `Command: \`npm run bench -w kiosk-app -- ${process.argv.slice(2).join(' ')}\`. Machine: ${os.cpus().length}-core VM (${os.cpus()[0]?.model ?? 'cpu'}); load average (1, 5, 15 min) ${loads.join('; ')} (other engineers' jobs were running). Debian Chromium headless via playwright-core, the built app served by a real hub process (\`store-hub serve\`), RxDB 17.6 on Dexie/IndexedDB.`,
    '',
    ...lines,
  ].join('\n');
  console.log(section);
  if (opts.write) fs.appendFileSync(DOCS, `\n${section.trimEnd()}\n`);
}

await main();
