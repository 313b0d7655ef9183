/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * End to end: Debian's Chromium (playwright-core) drives the built kiosk app against a REAL hub
 * process on the demo store. It clicks and types what a shopper does; the hub is asked through
 * its API only to check the outcome (and, as staff, to approve the age check).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairKiosk } from '../../scripts/pair-url';
import { serveKiosk } from '../../scripts/serve';
import type { KioskServer } from '../../scripts/serve';
import { writeShellWorker } from '../../src/sw/plugin';
import type { DemoStore, RunningHub } from '../support/hub';
import { api, demoStore, importStore, staffToken, startHub, tempDir } from '../support/hub';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const SHOTS = path.join(here, '..', '..', 'test-results', 'screenshots');
const DIST = path.join(here, '..', '..', 'dist', 'index.html');

const SIZES = {
  landscape: { width: 1920, height: 1080 },
  portrait: { width: 1080, height: 1920 },
} as const;

let dir: string;
let dataDir: string;
let store: DemoStore;
let hub: RunningHub;
let kiosk: KioskServer;
let browser: Browser;

function ean13(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return body12 + String((10 - (sum % 10)) % 10);
}

beforeAll(async () => {
  if (!fs.existsSync(DIST))
    throw new Error('kiosk-app/dist is missing: run `npm run build -w kiosk-app` first');
  fs.mkdirSync(SHOTS, { recursive: true });
  dir = tempDir();
  dataDir = path.join(dir, 'hub');
  store = demoStore(dir);
  importStore(dataDir, store.file);
  hub = await startHub(dataDir);
  kiosk = await serveKiosk({ hubUrl: hub.url });
  browser = await chromium.launch({
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
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await kiosk?.close();
  await hub?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function item(pred: (i: Record<string, any>) => boolean): Record<string, any> {
  const found = store.doc.items.find(pred);
  if (!found) throw new Error('no such demo item');
  return found;
}

/**
 * Opens a kiosk paired as `name`. By default the app comes from the hub's own /kiosk/ mount;
 * `local` serves it from a local shell (as the Electron package does) that forwards the API
 * to the hub, so that it can be reloaded while the hub is away.
 */
async function openKiosk(
  size: keyof typeof SIZES,
  name: string,
  query = '',
  local = false,
): Promise<{ page: Page; token: string }> {
  const { token } = await pairKiosk({ hubUrl: hub.url, name });
  const origin = local ? kiosk.url : hub.url;
  const ctx = await browser.newContext({ viewport: SIZES[size], reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('[kiosk page error]', e.message));
  page.on('console', (m) => {
    if (/^(kiosk:|MISMATCH)/.test(m.text())) console.error('[kiosk console]', m.text().slice(0, 600));
  });
  // /kiosk/index.html and /kiosk/ both answer the app (an old note here said /kiosk/ redirect-looped; it does not).
  await page.goto(`${origin}/kiosk/index.html?db=kiosk-${name}${query ? '&' + query : ''}#token=${token}`);
  await page.waitForFunction(() => (window as any).__kiosk?.getState().synced === true, null, {
    timeout: 60_000,
  });
  return { page, token };
}

async function shot(page: Page, size: string, name: string): Promise<string> {
  const file = path.join(SHOTS, `${size}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The hub's basket for the kiosk's current basket. */
async function hubBasket(page: Page, token: string): Promise<any> {
  const id = await page.evaluate(() => (window as any).__kiosk.getState().basket?.hub_basket_id);
  const r = await api(hub.url, 'GET', `/v1/baskets/${id}`, token);
  expect(r.status).toBe(200);
  return r.body.data;
}

/**
 * Waits until the hub has every change and the kiosk's canonical JSON equals the hub's, then
 * checks that the total on screen is the hub's total.
 */
async function agreed(page: Page, token: string, lines: number): Promise<string> {
  await page
    .waitForFunction(
      (n) => {
        const s = (window as any).__kiosk.getState();
        return s.basket && s.basket.ops.length === 0 && s.priced?.lines.length === n && s.hub.agrees === true;
      },
      lines,
      { timeout: 30_000 },
    )
    .catch(async (err: unknown) => {
      const s = await page.evaluate(() => {
        const k = (window as any).__kiosk.getState();
        const mm = (window as any).__kiosk.lastMismatch;
        if (mm) {
          const a = mm.kiosk as string,
            b = mm.hub as string;
          let i = 0;
          while (i < a.length && a[i] === b[i]) i++;
          console.warn(
            'MISMATCH at',
            i,
            '\nkiosk:',
            a.slice(Math.max(0, i - 200), i + 200),
            '\nhub:  ',
            b.slice(Math.max(0, i - 200), i + 200),
          );
        }
        return {
          ops: k.basket?.ops,
          lines: k.priced?.lines.length,
          hub: k.hub,
          online: k.online,
          notice: k.notice,
          store: k.store?.maxStamp,
        };
      });
      throw new Error(`kiosk and hub did not agree: ${JSON.stringify(s)}: ${String(err)}`);
    });
  const mismatch = await page.evaluate(() => (window as any).__kiosk.getState().hub.mismatch);
  expect(mismatch).toBe(false);
  const b = await hubBasket(page, token);
  const shown = await page.getByTestId('total').getAttribute('data-hub-total');
  expect(shown).toBe(b.priced.totals.total_after_tax);
  const text = await page.getByTestId('total').textContent();
  // "£12.34" in English, "12,34 £" in German.
  expect([
    `£${b.priced.totals.total_after_tax}`,
    `${b.priced.totals.total_after_tax.replace('.', ',')} £`,
  ]).toContain(text);
  return b.priced.totals.total_after_tax as string;
}

async function wedge(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

/** axe-core's serious and critical findings on the current screen (contrast, labels, roles). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const found = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`,
  )) as string[];
  return found;
}

/** Reads the QR on screen back: the SVG is rasterised in the page and decoded with jsQR. */
async function decodeQr(page: Page): Promise<string | null> {
  const img = await page.evaluate(async () => {
    const svg = document.querySelector('[data-testid=receipt-qr]') as SVGSVGElement;
    const xml = new XMLSerializer().serializeToString(svg);
    const el = new Image();
    el.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(xml);
    await el.decode();
    const c = document.createElement('canvas');
    c.width = 400;
    c.height = 400;
    const g = c.getContext('2d')!;
    g.drawImage(el, 0, 0, 400, 400);
    return Array.from(g.getImageData(0, 0, 400, 400).data);
  });
  return jsQR(Uint8ClampedArray.from(img), 400, 400)?.data ?? null;
}

function hubDb(): Database.Database {
  return new Database(path.join(dataDir, 'kassa-hub.sqlite'), { readonly: true, fileMustExist: true });
}

describe.each(['landscape', 'portrait'] as const)('the shopper journey (%s)', (size) => {
  it('scans a promotion, a weighed label and an age-restricted item, passes the age check, is declined then approved, and gets an e-receipt QR', async () => {
    const { page, token } = await openKiosk(size, `K-${size}`, 'simulate=decline,approve');
    await shot(page, size, '01-attract');
    await page.getByRole('button', { name: 'Start' }).click();
    await shot(page, size, '02-language');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByTestId('empty-basket').isVisible()).toBe(true);
    await shot(page, size, '03-scanning-empty');

    // 3 for 2 on dairy: three of one dairy item through the keyboard wedge.
    const dairy = item((i) => i.category_ids?.[0] === 'DAIRY' && !i.selling_price);
    for (let n = 0; n < 3; n++) await wedge(page, dairy.product_identifier);
    await agreed(page, token, 1);
    await expect.poll(() => page.getByTestId('savings').isVisible()).toBe(true);

    // A weighed label: 28 + item 10001 + 00750 g.
    const label = ean13('281000100750');
    await wedge(page, label);
    await agreed(page, token, 2);

    // The on-screen keypad for a typed code.
    const bread = item((i) => i.category_ids?.[0] === 'BAKERY');
    await page.getByRole('button', { name: 'Type a code' }).click();
    for (const d of bread.product_identifier as string)
      await page.getByRole('button', { name: d, exact: true }).click();
    await page.getByRole('button', { name: 'Add item' }).click();
    await agreed(page, token, 3);

    // A code that does not exist: a plain sentence, nothing added.
    await wedge(page, ean13('590000000000'));
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toContain('We could not find this item');
    await shot(page, size, '05-refusal');

    // Search: produce tiles with initials, then a PLU item with a weight.
    await page.getByRole('button', { name: 'Search' }).click();
    await shot(page, size, '06-search-produce');
    const banana = item((i) => i.unit_of_measure === 'kg' && i.product_identifier !== '2810001');
    await page
      .getByRole('button', { name: new RegExp(banana.item_name.replace(/[()]/g, '.')) })
      .first()
      .click();
    await page.getByLabel('Or type the weight in grams').fill('420');
    await shot(page, size, '07-weigh');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await agreed(page, token, 4);

    // Age-restricted.
    const beer = item((i) => i.minimum_age_required === 18);
    await wedge(page, beer.product_identifier);
    await agreed(page, token, 5);
    await shot(page, size, '04-basket');
    expect(await axeViolations(page)).toEqual([]);

    // Pay → age check waiting screen with the 4-digit code.
    await page.getByTestId('pay').click();
    await expect
      .poll(() => page.getByTestId('age-code').textContent(), { timeout: 20_000 })
      .toMatch(/^\d{4}$/);
    const code = await page.getByTestId('age-code').textContent();
    await shot(page, size, '08-age-check');
    const staff = await staffToken(hub.url);
    const hb = await hubBasket(page, token);
    const list = await api(hub.url, 'GET', '/v1/interventions?status=P', staff);
    const iv = list.body.data.find((x: any) => x.basket_id === hb.basket_id && x.kind === 'age_check');
    expect(iv.code).toBe(code);
    const d = await api(hub.url, 'POST', `/v1/interventions/${iv.intervention_id}/decide`, staff, {
      decision: 'approve',
    });
    expect(d.status).toBe(200);

    // Resolved live: the pay screen, a declined card, then an approved one.
    await expect.poll(() => page.getByTestId('pay-card').isVisible(), { timeout: 20_000 }).toBe(true);
    const due = await page.getByTestId('due').textContent();
    expect(due).toBe(`£${hb.priced.totals.total_after_tax}`);
    await shot(page, size, '09-pay');
    await page.getByTestId('pay-card').click();
    await expect.poll(() => page.getByTestId('declined').isVisible(), { timeout: 30_000 }).toBe(true);
    await shot(page, size, '10-declined');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: 'E-receipt (QR code)' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    await shot(page, size, '11-receipt-choice');
    await page.getByRole('button', { name: 'E-receipt (QR code)' }).click();
    await expect.poll(() => page.getByTestId('receipt-qr').isVisible()).toBe(true);
    await shot(page, size, '12-e-receipt');
    const orderId = await page.evaluate(() => (window as any).__kiosk.getState().order.order_id);
    expect(await decodeQr(page)).toBe(`kassa:order:${orderId}`);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByText('Thank you for shopping with us!').isVisible()).toBe(true);
    await shot(page, size, '13-thanks');
    await page.getByText('Thank you for shopping with us!').click();
    await expect.poll(() => page.getByRole('button', { name: 'Start' }).isVisible()).toBe(true);

    // At the hub: one completed order for this basket, paid at the kiosk's total.
    const o = await api(hub.url, 'GET', `/v1/orders/${orderId}`, token);
    expect(o.body.data.order_status).toBe('completed');
    expect(o.body.data.total).toBe(hb.priced.totals.total_after_tax);
    expect(o.body.data.payment.tenders.map((t: any) => t.status)).toEqual(['failed', 'captured']);
    const db = hubDb();
    try {
      const n = db.prepare(`SELECT count(*) AS n FROM orders WHERE basket_id = ?`).get(hb.basket_id) as {
        n: number;
      };
      expect(n.n).toBe(1);
    } finally {
      db.close();
    }
    await page.context().close();
  }, 180_000);
});

describe('a staff change in the console', () => {
  it('reaches the kiosk live (a version notice, then one GET), while the kiosk’s own changes go to the delta endpoints only', async () => {
    const size = 'landscape';
    const { page, token } = await openKiosk(size, 'K-staff');
    // The kiosk's basket calls, with ids taken out.
    const calls: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/v1/baskets/'))
        calls.push(
          `${r.method()} ${u.pathname.replace(/^\/v1\/baskets\/[^/]+/, ':b').replace(/\/lines\/[^/]+$/, '/lines/:l')}`,
        );
    });
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'English' }).click();
    const snack = item((i) => i.category_ids?.[0] === 'SNACKS' && !i.minimum_age_required);
    const bread = item((i) => i.category_ids?.[0] === 'BAKERY');
    await wedge(page, snack.product_identifier);
    await wedge(page, bread.product_identifier);
    await wedge(page, bread.product_identifier);
    await agreed(page, token, 2);
    await expect.poll(() => page.locator('[data-testid=qty]').allTextContents()).toEqual(['1', '2']);
    // A scan is an add, also of a code already in the basket (the hub merges it as the kiosk does).
    expect(calls.filter((c) => !c.startsWith('GET'))).toEqual([
      'POST :b/delta/lines',
      'POST :b/delta/lines',
      'POST :b/delta/lines',
    ]);
    expect(calls.filter((c) => c.startsWith('GET'))).toEqual([]);

    // Staff at the console: the snack line to 3, and one more item the kiosk never scanned.
    const staff = await staffToken(hub.url);
    const hb = await hubBasket(page, token);
    const snackLine = hb.priced.lines.find((l: any) => l.scanned_code === snack.product_identifier);
    const q = await api(
      hub.url,
      'POST',
      `/v1/console/baskets/${hb.basket_id}/lines/${encodeURIComponent(snackLine.line_id)}/quantity`,
      staff,
      { quantity: 3, basket_version: hb.version },
    );
    expect(q.status, JSON.stringify(q.body)).toBe(200);
    const dairy = item((i) => i.category_ids?.[0] === 'DAIRY' && !i.selling_price);
    const a = await api(hub.url, 'POST', `/v1/console/baskets/${hb.basket_id}/lines`, staff, {
      code: dairy.product_identifier,
      quantity: 1,
    });
    expect(a.status, JSON.stringify(a.body)).toBeLessThan(300);
    await expect
      .poll(() => page.locator('[data-testid=qty]').allTextContents(), { timeout: 20_000 })
      .toEqual(['3', '2', '1']);
    await agreed(page, token, 3);
    // Learnt from 'basket.version' notices: a whole basket at most once per staff change.
    const gets = calls.filter((c) => c === 'GET :b').length;
    expect(gets).toBeGreaterThanOrEqual(1);
    expect(gets).toBeLessThanOrEqual(2);

    // The kiosk's next scan applies its delta on top of the staff's version.
    await wedge(page, dairy.product_identifier);
    await agreed(page, token, 3);
    await expect.poll(() => page.locator('[data-testid=qty]').allTextContents()).toEqual(['3', '2', '2']);
    expect(calls.filter((c) => /:b\/lines/.test(c))).toEqual([]);
    await page.context().close();
  }, 120_000);
});

describe('the app shell', () => {
  it('is replaced when the build changes, and the new build is what a reload gets when the server is away', async () => {
    // A copy of the build, served by the kiosk's own server, so that this test can change it.
    const copy = path.join(dir, 'dist-copy');
    fs.cpSync(path.dirname(DIST), copy, { recursive: true });
    const server = await serveKiosk({ hubUrl: hub.url, dist: copy });
    const { token } = await pairKiosk({ hubUrl: hub.url, name: 'K-shell' });
    const ctx = await browser.newContext({ viewport: SIZES.landscape });
    try {
      const page = await ctx.newPage();
      await page.goto(`${server.url}/kiosk/index.html?db=kiosk-shell#token=${token}`);
      await page.waitForFunction(() => (window as any).__kiosk?.getState().synced === true, null, {
        timeout: 60_000,
      });
      await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active, null, {
        timeout: 30_000,
      });
      const before = await page.evaluate(() => caches.keys());
      expect(before).toHaveLength(1);

      // A new build: one changed file gives a new worker with a new manifest.
      const index = path.join(copy, 'index.html');
      fs.writeFileSync(
        index,
        fs.readFileSync(index, 'utf8').replace('</head>', '<meta name="kassa-build" content="B" /></head>'),
      );
      const next = await writeShellWorker(copy);
      expect(before).not.toContain(`kassa-kiosk-shell-${next.version}`);
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
      // Installed with the whole new shell, then the old cache is gone.
      await expect
        .poll(() => page.evaluate(() => caches.keys()), { timeout: 20_000 })
        .toEqual([`kassa-kiosk-shell-${next.version}`]);

      await server.close();
      await page.reload();
      await page.waitForFunction(() => (window as any).__kiosk?.getState().ready === true, null, {
        timeout: 60_000,
      });
      expect(await page.locator('meta[name=kassa-build]').getAttribute('content')).toBe('B');
    } finally {
      await ctx.close();
    }
  }, 120_000);
});

describe('the hub goes away mid-basket', () => {
  it('keeps scanning with local pricing, comes back from a reload while the hub is down (app shell from the service worker, basket from RxDB), then completes with exactly one basket and one order', async () => {
    const size = 'landscape';
    // Loaded from the hub itself: only the service worker's cache can bring the page back.
    const { page, token } = await openKiosk(size, 'K-offline');
    await page.waitForFunction(async () => !!(await navigator.serviceWorker.ready).active, null, {
      timeout: 30_000,
    });
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Deutsch' }).click();
    const snack = item((i) => i.category_ids?.[0] === 'SNACKS');
    const dairy = item((i) => i.category_ids?.[0] === 'DAIRY');
    await wedge(page, snack.product_identifier);
    await wedge(page, dairy.product_identifier);
    await agreed(page, token, 2);
    const hubBasketId = await page.evaluate(() => (window as any).__kiosk.getState().basket.hub_basket_id);

    await hub.stop('SIGKILL');
    await expect.poll(() => page.getByTestId('offline-banner').isVisible(), { timeout: 20_000 }).toBe(true);
    // Scanning and local pricing go on.
    await wedge(page, dairy.product_identifier);
    await wedge(page, dairy.product_identifier);
    await expect.poll(() => page.locator('[data-testid=qty]').allTextContents()).toEqual(['1', '3']);
    await shot(page, size, '14-offline-de');
    const offlineTotal = await page.getByTestId('total').textContent();

    // A reload while the hub is down: the page comes from the service worker, the basket from RxDB.
    await page.reload();
    await page.waitForFunction(() => (window as any).__kiosk?.getState().ready === true, null, {
      timeout: 60_000,
    });
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await expect.poll(() => page.locator('[data-testid=qty]').allTextContents()).toEqual(['1', '3']);
    expect(await page.getByTestId('total').textContent()).toBe(offlineTotal);
    await expect.poll(() => page.getByTestId('offline-banner').isVisible(), { timeout: 20_000 }).toBe(true);
    // Still scanning, priced on the kiosk.
    await wedge(page, dairy.product_identifier);
    await expect.poll(() => page.locator('[data-testid=qty]').allTextContents()).toEqual(['1', '4']);
    expect(await page.getByTestId('total').textContent()).not.toBe(offlineTotal);
    await shot(page, size, '14b-offline-after-reload');

    // Checkout waits for the hub.
    await page.getByTestId('pay').click();
    await expect.poll(() => page.getByText('Einen Moment bitte').isVisible()).toBe(true);
    await shot(page, size, '15-checkout-waits');

    hub = await startHub(dataDir, hub.port);
    await expect.poll(() => page.getByTestId('pay-card').isVisible(), { timeout: 60_000 }).toBe(true);
    const b = (await api(hub.url, 'GET', `/v1/baskets/${hubBasketId}`, token)).body.data;
    expect(b.priced.lines.map((l: any) => l.quantity).sort()).toEqual([1, 4]);
    expect(await page.getByTestId('due').textContent()).toBe(
      `${b.priced.totals.total_after_tax.replace('.', ',')} £`,
    );
    await page.getByTestId('pay-card').click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Kein Beleg' }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    await page.getByRole('button', { name: 'Kein Beleg' }).click();

    const db = hubDb();
    try {
      const orders = db.prepare(`SELECT order_status FROM orders WHERE basket_id = ?`).all(hubBasketId) as {
        order_status: string;
      }[];
      expect(orders).toEqual([{ order_status: 'completed' }]);
      const device = db.prepare(`SELECT device_id FROM baskets WHERE basket_id = ?`).get(hubBasketId) as {
        device_id: string;
      };
      const baskets = db
        .prepare(`SELECT count(*) AS n FROM baskets WHERE device_id = ?`)
        .get(device.device_id) as { n: number };
      expect(baskets.n).toBe(1);
      const lines = db
        .prepare(`SELECT count(*) AS n FROM basket_lines WHERE basket_id = ?`)
        .get(hubBasketId) as { n: number };
      expect(lines.n).toBe(2);
    } finally {
      db.close();
    }
    await page.context().close();
  }, 180_000);
});
