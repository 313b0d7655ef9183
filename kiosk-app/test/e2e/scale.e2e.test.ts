/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * End to end, weighed PLU items on the lane scale: Debian's Chromium drives the built kiosk
 * against a REAL hub process whose hardware file gives lane K-scale an MT-SICS scale, simulated
 * at the far end of a socat pty pair. The shopper picks loose produce, sees the live weight,
 * and the line carries the weight the hub read. A lane without a scale keeps the keypad.
 * The live weight is pushed over the kiosk's socket (`scale.watch` → `scale.reading`): no
 * GET /v1/lane/scale while it is up, counted from the page's own requests; with the socket
 * blocked the kiosk falls back to asking by GET.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PtyPair } from '../../../hardware/src/sim/pty';
import { ScaleSimulator } from '../../../hardware/src/sim/scale-sim';
import { ScannerSimulator } from '../../../hardware/src/sim/scanner-sim';
import { pairKiosk } from '../../scripts/pair-url';
import type { DemoStore, RunningHub } from '../support/hub';
import { api, demoStore, importStore, startHub, tempDir } from '../support/hub';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const SHOTS = path.join(here, '..', '..', 'test-results', 'screenshots');
const DIST = path.join(here, '..', '..', 'dist', 'index.html');

let dir: string;
let store: DemoStore;
let hub: RunningHub;
let browser: Browser;
let pty: PtyPair;
let sim: ScaleSimulator;
let scannerPty: PtyPair;
let scanner: ScannerSimulator;

beforeAll(async () => {
  if (!fs.existsSync(DIST))
    throw new Error('kiosk-app/dist is missing: run `npm run build -w kiosk-app` first');
  fs.mkdirSync(SHOTS, { recursive: true });
  dir = tempDir('kassa-kiosk-scale-');
  const dataDir = path.join(dir, 'hub');
  store = demoStore(dir);
  importStore(dataDir, store.file);
  pty = await new PtyPair().start();
  sim = await new ScaleSimulator(pty.a, { grams: 0 }).open();
  sim.settleTimeoutMs = 400;
  scannerPty = await new PtyPair().start();
  scanner = await new ScannerSimulator(scannerPty.a).open();
  const hw = path.join(dir, 'devices.json');
  fs.writeFileSync(
    hw,
    JSON.stringify({
      discoveryIntervalMs: 0,
      devices: [
        { id: 'lane-scanner', kind: 'scanner', transport: 'serial', match: { path: scannerPty.b } },
        {
          id: 'lane-scale',
          kind: 'scale',
          transport: 'serial',
          match: { path: pty.b },
          pollIntervalMs: 100,
          stableTimeoutMs: 1_000,
        },
      ],
      lanes: [{ kiosk: 'K-scale', scanner: 'lane-scanner', scale: 'lane-scale' }],
    }),
  );
  hub = await startHub(dataDir, 0, ['--hardware', hw]);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await sim?.close();
  await pty?.dispose();
  await scanner?.close();
  await scannerPty?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function openKiosk(
  name: string,
  opts: { noSocket?: boolean } = {},
): Promise<{ page: Page; token: string; scaleGets: () => number }> {
  const { token } = await pairKiosk({ hubUrl: hub.url, name });
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
  if (opts.noSocket) {
    // Neither of socket.io's transports gets through: the kiosk's live connection stays down.
    await ctx.routeWebSocket(/\/socket\.io\//, (ws) => void ws.close());
    await ctx.route(/\/socket\.io\//, (route) => route.abort());
  }
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('[kiosk page error]', e.message));
  let gets = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v1/lane/scale') gets++;
  });
  await page.goto(`${hub.url}/kiosk/index.html?db=kiosk-${name}#token=${token}`);
  await page.waitForFunction(() => (window as any).__kiosk?.getState().synced === true, null, {
    timeout: 60_000,
  });
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'English' }).click();
  return { page, token, scaleGets: () => gets };
}

/** The live weight passes the hub's poll and the kiosk's; a loaded 2-core machine needs time. */
const LIVE = { timeout: 10_000 };

const bananas = (): Record<string, any> => {
  const found = store.doc.items.find((i: any) => i.unit_of_measure === 'kg');
  if (!found) throw new Error('the demo store has no weighed produce');
  return found;
};

async function pickBananas(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Search' }).click();
  await page
    .getByRole('button', { name: new RegExp(String(bananas().item_name).replace(/[()]/g, '.')) })
    .first()
    .click();
}

async function hubLines(page: Page, token: string): Promise<any[]> {
  const id = await page.evaluate(() => (window as any).__kiosk.getState().basket?.hub_basket_id);
  const r = await api(hub.url, 'GET', `/v1/baskets/${id}`, token);
  expect(r.status).toBe(200);
  return r.body.data.priced.lines;
}

/** The kiosk has no queued change and its canonical JSON equals the hub's. */
async function agreed(page: Page, lines: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const s = (window as any).__kiosk.getState();
      return s.basket?.ops.length === 0 && s.priced?.lines.length === n && s.hub.agrees === true;
    },
    lines,
    { timeout: 30_000 },
  );
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`,
  )) as string[];
}

describe('weighed PLU items on the lane scale', () => {
  it('shows the live weight, and adds the line with the weight the hub read', async () => {
    sim.set({ grams: 0, stable: true });
    const { page, token, scaleGets } = await openKiosk('K-scale');
    await page.waitForFunction(() => (window as any).__kiosk.getState().online === true, null, LIVE);
    await pickBananas(page);
    const panel = page.getByTestId('scale-panel');
    await expect.poll(() => panel.isVisible(), LIVE).toBe(true);
    await expect
      .poll(() => page.getByTestId('scale-status').textContent(), LIVE)
      .toBe('Nothing on the scale yet');
    // No keypad: on a lane with a scale the shopper cannot type a weight.
    expect(await page.getByLabel('Or type the weight in grams').count()).toBe(0);

    sim.set({ grams: 456, stable: false });
    await expect.poll(() => page.getByTestId('scale-weight').textContent(), LIVE).toBe('0.456 kg');
    await expect.poll(() => page.getByTestId('scale-status').textContent(), LIVE).toMatch(/^Weighing/);
    sim.set({ grams: 462, stable: true });
    await expect.poll(() => page.getByTestId('scale-status').textContent(), LIVE).toBe('Weighed');
    await expect.poll(() => page.getByTestId('scale-add').textContent(), LIVE).toBe('Add 0.462 kg');
    // Every change above reached the page pushed over its socket: it never asked by GET.
    expect(scaleGets()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'landscape-scale-weigh.png') });
    expect(await axeViolations(page)).toEqual([]);

    await page.getByTestId('scale-add').click();
    await expect.poll(() => panel.count(), { timeout: 15_000 }).toBe(0);
    await agreed(page, 1);
    const [line] = await hubLines(page, token);
    expect(line).toMatchObject({ item_id: bananas().item_id, weight_g: 462 });
    const local = await page.evaluate(() => (window as any).__kiosk.getState().basket.lines);
    expect(local).toMatchObject([{ weight_g: 462, hub_line_id: line.line_id }]);
  });

  it('explains a weight that does not settle, and adds once it does', async () => {
    const { page, token } = await openKiosk('K-scale');
    await pickBananas(page);
    sim.set({ grams: 1_250, stable: false });
    await expect.poll(() => page.getByTestId('scale-weight').textContent(), LIVE).toBe('1.250 kg');
    await page.getByTestId('scale-add').click();
    await expect
      .poll(() => page.getByTestId('scale-error').textContent(), { timeout: 10_000 })
      .toBe('The weight is still changing. Please let go of the item and keep it still on the scale.');
    expect(await hubLines(page, token)).toEqual([]);

    sim.set({ grams: 0, stable: true });
    await expect
      .poll(() => page.getByTestId('scale-status').textContent(), LIVE)
      .toBe('Nothing on the scale yet');
    await page.getByTestId('scale-add').click();
    await expect
      .poll(() => page.getByTestId('scale-error').textContent(), { timeout: 15_000 })
      .toBe('There is nothing on the scale. Please place the item on the scale.');

    sim.set({ grams: 1_250, stable: true });
    await expect.poll(() => page.getByTestId('scale-status').textContent(), LIVE).toBe('Weighed');
    await page.getByTestId('scale-add').click();
    await agreed(page, 1);
    expect((await hubLines(page, token)).map((l) => l.weight_g)).toEqual([1250]);
  });

  it('loose produce read by the lane scanner opens the scale screen too', async () => {
    const { page, token } = await openKiosk('K-scale');
    // A counted item first, so the hub has an active basket and refuses the produce code itself
    // (WEIGHT_REQUIRED) rather than handing it back for want of a basket.
    const counted = store.doc.items.find((i: any) => i.unit_of_measure !== 'kg' && !i.minimum_age_required);
    await page.keyboard.type(String(counted!.product_identifier));
    await page.keyboard.press('Enter');
    await agreed(page, 1);
    await scanner.scan(String(bananas().product_identifier));
    await expect.poll(() => page.getByTestId('scale-panel').isVisible(), LIVE).toBe(true);
    sim.set({ grams: 333, stable: true });
    await expect.poll(() => page.getByTestId('scale-status').textContent(), LIVE).toBe('Weighed');
    await page.getByTestId('scale-add').click();
    await agreed(page, 2);
    expect((await hubLines(page, token)).map((l) => l.weight_g)).toEqual([null, 333]);
  });

  it('with its socket down the kiosk asks for the live weight by GET instead', async () => {
    sim.set({ grams: 0, stable: true });
    const { page, token, scaleGets } = await openKiosk('K-scale', { noSocket: true });
    expect(await page.evaluate(() => (window as any).__kiosk.getState().online)).toBe(false);
    await pickBananas(page);
    await expect
      .poll(() => page.getByTestId('scale-status').textContent(), LIVE)
      .toBe('Nothing on the scale yet');
    sim.set({ grams: 875, stable: true });
    await expect.poll(() => page.getByTestId('scale-weight').textContent(), LIVE).toBe('0.875 kg');
    await expect.poll(() => page.getByTestId('scale-status').textContent(), LIVE).toBe('Weighed');
    expect(scaleGets()).toBeGreaterThan(1);
    // Adding still goes to the hub over HTTP, which weighs it itself.
    await page.getByTestId('scale-add').click();
    await expect.poll(() => page.getByTestId('scale-panel').count(), { timeout: 15_000 }).toBe(0);
    expect((await hubLines(page, token)).map((l) => l.weight_g)).toEqual([875]);
  });

  it('keeps typing the weight on a lane without a scale', async () => {
    const { page } = await openKiosk('K-noscale');
    await pickBananas(page);
    await expect.poll(() => page.getByLabel('Or type the weight in grams').isVisible()).toBe(true);
    expect(await page.getByTestId('scale-panel').count()).toBe(0);
    await page.getByLabel('Or type the weight in grams').fill('300');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await agreed(page, 1);
  });
});
