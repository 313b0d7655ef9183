/**
 * Console figures for docs/benchmarks.md (npm run bench:console -w store-hub):
 *  1. first load: a signed-in staff member opens /console/ in a fresh browser context (cold
 *     cache) until the lanes board shows the kiosk — against the same navigation to the hub's
 *     /healthz JSON in the same run (network and browser floor);
 *  2. intervention push latency: a kiosk adds an age-restricted item over HTTP until the card
 *     is in the console's DOM (MutationObserver, same clock) — against the HTTP round trip of
 *     the same add;
 *  3. lanes board update: a kiosk adds a line until the lane shows it (basket.updated on the
 *     staff socket) — against the same add's HTTP round trip.
 * Real hub process, demo store (3,000 items), Debian Chromium. BENCH_RUNS (default 15).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANAGER, startConsoleWorld } from '../test/console/support';
import { removeTempDirs } from '../test/harness';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const here = path.dirname(fileURLToPath(import.meta.url));

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (xs: number[]): string => `median ${pct(xs, 50).toFixed(0)} ms, p90 ${pct(xs, 90).toFixed(0)} ms`;

async function main(): Promise<void> {
  const w = await startConsoleWorld();
  const beat = setInterval(
    () => void w.kiosk.req('POST', '/v1/devices/heartbeat', { printer: 'ok', terminal: 'ok' }, { key: null }),
    2000,
  );
  await w.kiosk.req('POST', '/v1/devices/heartbeat', { printer: 'ok', terminal: 'ok' }, { key: null });
  try {
    // A session to reuse: sign in once, keep the cookies.
    const signCtx = await w.browser.newContext();
    const sp = await signCtx.newPage();
    await sp.goto(`${w.hub.url}/console/`);
    await sp.getByLabel('Username', { exact: true }).fill(MANAGER.username);
    await sp.getByLabel('Password', { exact: true }).fill(MANAGER.password);
    await sp.getByRole('button', { name: 'Sign in' }).click();
    await sp.getByTestId('lane-K1').waitFor();
    const state = await signCtx.storageState();
    await signCtx.close();

    const load: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const ctx = await w.browser.newContext({ storageState: state, viewport: { width: 1280, height: 800 } });
      const p = await ctx.newPage();
      const t0 = performance.now();
      await p.goto(`${w.hub.url}/healthz`);
      const t1 = performance.now();
      await ctx.close();
      const ctx2 = await w.browser.newContext({
        storageState: state,
        viewport: { width: 1280, height: 800 },
      });
      const p2 = await ctx2.newPage();
      const t2 = performance.now();
      await p2.goto(`${w.hub.url}/console/`);
      await p2.getByTestId('lane-K1').waitFor();
      const t3 = performance.now();
      await ctx2.close();
      if (i >= 2) {
        floor.push(t1 - t0);
        load.push(t3 - t2);
      }
    }

    const ctx = await w.browser.newContext({ storageState: state });
    const page = await ctx.newPage();
    await page.goto(`${w.hub.url}/console/#/interventions`);
    await page.getByRole('heading', { name: 'Interventions', level: 1 }).waitFor();
    const push: number[] = [];
    const http: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const b = await w.kiosk.req('POST', '/v1/baskets', {});
      const basketId: string = b.body.data.basket_id;
      // The observer resolves with the wall-clock time the card entered the DOM.
      const seen = page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const before = document.querySelectorAll('[data-testid="intervention"]').length;
            const obs = new MutationObserver(() => {
              if (document.querySelectorAll('[data-testid="intervention"]').length > before) {
                obs.disconnect();
                resolve(Date.now());
              }
            });
            obs.observe(document.body, { childList: true, subtree: true });
          }),
      );
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      const p0 = performance.now();
      await w.kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: w.codes.age });
      const p1 = performance.now();
      const t1 = await seen;
      if (i >= 2) {
        push.push(t1 - t0);
        http.push(p1 - p0);
      }
      // Clear it so the next card is new.
      const iv = (await w.kiosk.req('GET', `/v1/baskets/${basketId}`)).body.data.approval;
      await page
        .getByTestId('intervention')
        .first()
        .getByRole('button', { name: /Approve/ })
        .click();
      await page
        .getByTestId('intervention')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      void iv;
    }
    await ctx.close();

    // 3. The lanes board after a kiosk's scan: basket.updated now reaches staff sockets, so the
    // board re-reads at once instead of on its old 2 s poll (its fallback re-read is every 15 s).
    const lctx = await w.browser.newContext({ storageState: state });
    const lp = await lctx.newPage();
    await lp.goto(`${w.hub.url}/console/#/lanes`);
    await lp.getByTestId('lane-K1').waitFor();
    const lane: number[] = [];
    const laneHttp: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const q = i + 2; // a quantity no earlier run showed
      const b = await w.kiosk.req('POST', '/v1/baskets', {});
      const basketId: string = b.body.data.basket_id;
      const seen = lp.evaluate(
        (mark) =>
          new Promise<number>((resolve) => {
            // No named helpers in here: tsx would wrap them in a __name() the page does not have.
            if ((document.querySelector('[data-testid="lane-K1"]')?.textContent ?? '').includes(mark))
              return resolve(Date.now());
            const obs = new MutationObserver(() => {
              if ((document.querySelector('[data-testid="lane-K1"]')?.textContent ?? '').includes(mark)) {
                obs.disconnect();
                resolve(Date.now());
              }
            });
            obs.observe(document.body, { childList: true, subtree: true, characterData: true });
          }),
        `${q} ×`,
      );
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      const p0 = performance.now();
      await w.kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: w.codes.other, quantity: q });
      const p1 = performance.now();
      const t1 = await seen;
      if (i >= 2) {
        lane.push(t1 - t0);
        laneHttp.push(p1 - p0);
      }
    }
    await lctx.close();

    const load1 = os.loadavg()[0]!.toFixed(2);
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const md = [
      `## store-hub console — ${when} UTC`,
      '',
      `Machine: 2-core VM, ${os.cpus()[0]?.model ?? 'cpu'}, load average ${load1} at the end of the run (other engineers' jobs share it). Real hub process with the demo store (3,000 items), Debian Chromium (playwright-core), ${RUNS} runs each after 2 warm-ups.`,
      '',
      '| figure | console | same-run baseline |',
      '|---|---|---|',
      `| first load, signed in, fresh context (cold cache) until the lanes board shows K1 | ${fmt(load)} | navigation to /healthz: ${fmt(floor)} |`,
      `| intervention push: kiosk adds an age-restricted item → card in the console DOM | ${fmt(push)} | the add's HTTP round trip: ${fmt(http)} |`,
      `| lanes board: kiosk adds a line → the lane shows it (basket.updated to staff, no poll) | ${fmt(lane)} | the add's HTTP round trip: ${fmt(laneHttp)} |`,
      '',
    ].join('\n');
    console.log(md);
    const doc = path.join(here, '..', '..', 'docs', 'benchmarks.md');
    if (process.env.BENCH_WRITE !== '0') appendSection(doc, md);
  } finally {
    clearInterval(beat);
    await w.close();
    removeTempDirs();
  }
}

/** Appends this run as a dated section: docs/benchmarks.md keeps every run (it is shared and append-only). */
function appendSection(file: string, md: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  fs.writeFileSync(file, `${text.trimEnd()}\n\n${md}`);
}

await main();
