/**
 * Where a scan's time goes: `npx tsx kiosk-app/bench/profile-scan.ts [--lines 60] [--scans 40]`.
 * Builds the app unminified (names readable) into a temp folder, serves it against a real hub on
 * the demo store, fills a basket, then scans under Chromium's CPU profiler at a human rate and
 * prints self and inclusive time per function, with the scan figures of the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { pairKiosk } from '../scripts/pair-url';
import { serveKiosk } from '../scripts/serve';
import { demoStore, importStore, startHub, tempDir } from '../test/support/hub';
import { profile, scanTimes, summarise } from './scan';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '60' },
    scans: { type: 'string', default: '40' },
    focus: { type: 'string', multiple: true, default: [] },
    top: { type: 'string', default: '30' },
  },
});
const LINES = Number(values.lines);
const SCANS = Number(values.scans);

const dir = tempDir('kassa-kiosk-profile-');
const dist = path.join(dir, 'dist');
await build({
  root: path.join(here, '..'),
  configFile: path.join(here, '..', 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir: dist, minify: false, emptyOutDir: true },
});
const store = demoStore(dir);
importStore(path.join(dir, 'hub'), store.file);
const hub = await startHub(path.join(dir, 'hub'));
const kiosk = await serveKiosk({ hubUrl: hub.url, dist });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
});
try {
  const { token } = await pairKiosk({ hubUrl: hub.url, name: 'K-prof' });
  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  page.on('console', (m) => {
    if (m.text().startsWith('kiosk:')) console.error('[page]', m.text().slice(0, 300));
  });
  await page.goto(`${kiosk.url}/kiosk/index.html?db=prof#token=${token}`);
  await page.waitForFunction(
    () => (window as never as { __kiosk?: { getState(): { synced: boolean } } }).__kiosk?.getState().synced,
    null,
    {
      timeout: 120_000,
    },
  );
  const codes = store.doc.items
    .filter((i) => i.unit_of_measure !== 'kg' && !i.minimum_age_required)
    .slice(0, LINES)
    .map((i) => i.product_identifier as string);
  await page.evaluate(async (codes) => {
    const k = (
      window as never as {
        __kiosk: {
          chooseLanguage(l: string): void;
          scan(c: string): Promise<void>;
          flushed(): Promise<void>;
        };
      }
    ).__kiosk;
    k.chooseLanguage('en');
    for (const c of codes) await k.scan(c);
    await k.flushed();
  }, codes);
  // Warm-up outside the profile.
  await scanTimes(page, codes[0]!, { samples: 10, warmup: 0, gapMs: [300, 600] });
  // How often each step of the controller runs per scan (and its total time), for the report.
  await page.evaluate(`(() => {
    const k = window.__kiosk;
    window.__calls = {};
    for (const m of ['scan', 'checkLine', 'reprice', 'show', 'rebuildStore', 'compareWithHub', 'onHubBasket', 'save']) {
      const f = k[m];
      if (typeof f !== 'function') continue;
      window.__calls[m] = { n: 0, ms: 0 };
      k[m] = function (...a) {
        const t = performance.now();
        const r = f.apply(this, a);
        window.__calls[m].n++;
        window.__calls[m].ms += performance.now() - t;
        return r;
      };
    }
  })()`);
  // IndexedDB cursors opened during the scans, per database/store/index (who reads what).
  await page.evaluate(`(() => {
    window.__cursors = {};
    const wrap = (proto, kind) => {
      const f = proto.openCursor;
      proto.openCursor = function (...a) {
        const store = this.objectStore ? this.objectStore : this;
        const k = kind + ' ' + store.transaction.db.name + '/' + store.name + (this.objectStore ? '[' + this.name + ']' : '');
        window.__cursors[k] = (window.__cursors[k] ?? 0) + 1;
        const req = f.apply(this, a);
        let rows = 0;
        req.addEventListener('success', () => { if (req.result) rows++; else window.__cursors[k + ' rows'] = (window.__cursors[k + ' rows'] ?? 0) + rows; });
        return req;
      };
    };
    wrap(IDBIndex.prototype, 'index');
    wrap(IDBObjectStore.prototype, 'store');
  })()`);
  let samples: Awaited<ReturnType<typeof scanTimes>> = [];
  const report = await profile(
    page,
    async () => {
      samples = await scanTimes(page, codes[0]!, { samples: SCANS, warmup: 0, gapMs: [300, 600] });
    },
    Number(values.top),
    values.focus,
  );
  const s = summarise(samples);
  console.log(report);
  console.log(
    `${LINES} lines, ${SCANS} scans: dom p50 ${s.domP50.toFixed(1)} p99 ${s.domP99.toFixed(1)} ms; paint p50 ${s.paintP50.toFixed(1)} p99 ${s.paintP99.toFixed(1)} ms; next frame ${(100 * s.nextFrame).toFixed(0)} %`,
  );
  console.log('calls (sync part only):', JSON.stringify(await page.evaluate('window.__calls')));
  console.log('IndexedDB cursors:', JSON.stringify(await page.evaluate('window.__cursors'), null, 1));
  console.log('dom:', samples.map((x) => x.dom.toFixed(1)).join(' '));
} finally {
  await browser.close();
  await kiosk.close();
  await hub.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
