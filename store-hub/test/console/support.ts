/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A real hub process with the demo store, two console users and a lane printer on a socat pty
 * pair, plus Debian's Chromium driven by playwright-core. Shared by the console e2e tests and
 * the console bench.
 */
import { PrinterSimulator, PtyPair } from '@kassa/hardware';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { generateDemoStore } from '../../../scripts/demo-data/generate';
import type { RunningHub, Client } from '../harness';
import { importFile, pairKiosk, startHubProcess, tempDataDir } from '../harness';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIR = path.join(here, '..', '..', 'console');
export const SCREENSHOTS = path.join(here, '..', '..', 'test-results', 'screenshots');

export const MANAGER = { username: 'manager', password: 'manager-pass-1', staff_id: 'M001', pin: '123456' };
export const CLERK = { username: 'clerk', password: 'clerk-pass-1', staff_id: 'C001', pin: '654321' };

const ALL = {
  can_add: true,
  can_edit: true,
  can_delete: true,
  can_refund: true,
  allow_analytics: true,
  hide_customer_info: false,
  allow_settlement_report: true,
  can_override_price: true,
  can_approve_age: true,
  can_import: true,
};

/** The console is built by setup; a test run on a tree without the build builds it once. */
export function ensureConsoleBuilt(): void {
  if (fs.existsSync(path.join(CONSOLE_DIR, 'dist', 'index.html'))) return;
  const r = spawnSync(
    'npx',
    ['vite', 'build', '-c', path.join(CONSOLE_DIR, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      cwd: path.join(CONSOLE_DIR, '..'),
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`console build failed: ${r.stdout}${r.stderr}`);
}

export interface ConsoleWorld {
  hub: RunningHub;
  dataDir: string;
  kiosk: Client;
  kioskId: string;
  printer: PrinterSimulator;
  pty: PtyPair;
  browser: Browser;
  codes: {
    age: string;
    ageName: string;
    normal: string;
    normalName: string;
    other: string;
    limited: string;
    limitedName: string;
  };
  close(): Promise<void>;
}

export async function startConsoleWorld(items = 3000): Promise<ConsoleWorld> {
  ensureConsoleBuilt();
  const doc = generateDemoStore({ items, seed: 7 }) as { items: any[]; staff: any[] };
  doc.staff = [
    {
      username: MANAGER.username,
      display_name: 'Mia Manager',
      pin: MANAGER.pin,
      password: MANAGER.password,
      retailer_staff_id: MANAGER.staff_id,
      permissions: ALL,
    },
    {
      username: CLERK.username,
      display_name: 'Carl Clerk',
      pin: CLERK.pin,
      password: CLERK.password,
      retailer_staff_id: CLERK.staff_id,
      permissions: { can_approve_age: true, can_edit: true },
      role_tabs: ['lanes', 'interventions', 'orders', 'refunds', 'exit_check'],
    },
  ];
  const counted = (i: any) => (i.unit_of_measure ?? 'each') === 'each' && !i.price_per_unit_measure;
  const age = doc.items.find((i) => i.requires_approval && counted(i));
  const normals = doc.items.filter((i) => !i.requires_approval && counted(i) && i.tax_code === 'STD');
  // The store lets staff override this item's price (the demo catalogue allows it nowhere).
  normals[0].allow_price_override = true;
  // …and sells at most 2 of this one per basket (the quantity-limit override).
  normals[2].max_basket_qty = 2;
  const dataDir = tempDataDir();
  const file = path.join(dataDir, 'store.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const imp = importFile(dataDir, file);
  if (imp.code !== 0) throw new Error(`import failed: ${imp.out}`);

  const pty = await new PtyPair().start();
  const printer = await new PrinterSimulator(pty.a).open();
  const hw = path.join(dataDir, 'devices.json');
  fs.writeFileSync(
    hw,
    JSON.stringify({
      discoveryIntervalMs: 0,
      devices: [
        {
          id: 'lane1-printer',
          kind: 'printer',
          transport: 'serial',
          match: { path: pty.b },
          statusIntervalMs: 200,
        },
      ],
      lanes: [{ kiosk: 'K1', printer: 'lane1-printer' }],
    }),
  );
  const hub = await startHubProcess(dataDir, ['--hardware', hw]);
  const { client: kiosk, deviceId: kioskId } = await pairKiosk(hub.url, hub.pairingCode, 'K1');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    hub,
    dataDir,
    kiosk,
    kioskId,
    printer,
    pty,
    browser,
    codes: {
      age: age.product_identifier,
      ageName: age.item_name,
      normal: normals[0].product_identifier,
      normalName: normals[0].item_name,
      other: normals[1].product_identifier,
      limited: normals[2].product_identifier,
      limitedName: normals[2].item_name,
    },
    async close() {
      await browser.close().catch(() => undefined);
      await hub.stop();
      await printer.close().catch(() => undefined);
      await pty.dispose().catch(() => undefined);
    },
  };
}

/** A kiosk basket with these codes, checked out and paid by card; answers the completed order. */
export async function paidOrder(kiosk: Client, codes: { code: string; quantity?: number }[]): Promise<any> {
  const b = await kiosk.req('POST', '/v1/baskets', {});
  if (b.status !== 201) throw new Error(JSON.stringify(b.body));
  const basketId = b.body.data.basket_id;
  for (const c of codes) {
    const r = await kiosk.req('POST', `/v1/baskets/${basketId}/lines`, {
      code: c.code,
      quantity: c.quantity ?? 1,
    });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  }
  const o = await kiosk.req('POST', '/v1/orders', { basket_id: basketId });
  if (o.status !== 201) throw new Error(JSON.stringify(o.body));
  const orderId = o.body.data.order_id;
  const t = await kiosk.req('POST', `/v1/orders/${orderId}/tenders`, { simulate: 'approve' });
  if (t.status >= 300) throw new Error(JSON.stringify(t.body));
  for (;;) {
    const g = await kiosk.req('GET', `/v1/orders/${orderId}`);
    if (g.body.data.order_status === 'completed') return g.body.data;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const TABLET = { width: 1280, height: 800 };
export const DESKTOP = { width: 1920, height: 1080 };

/** A screenshot of the page at tablet and desktop size, into test-results/screenshots/. */
export async function shoot(p: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await p.setViewportSize(TABLET);
  await p.screenshot({ path: path.join(SCREENSHOTS, `console-${name}-tablet.png`), fullPage: true });
  await p.setViewportSize(DESKTOP);
  await p.screenshot({ path: path.join(SCREENSHOTS, `console-${name}-desktop.png`), fullPage: true });
  await p.setViewportSize(TABLET);
}

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page, as "rule: targets" lines. */
export async function axeViolations(p: Page): Promise<string[]> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ content: AXE });
  const r: any = await p.evaluate(async () =>
    (window as any).axe.run(document, { resultTypes: ['violations'] }),
  );
  return r.violations
    .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
}

export async function signIn(
  p: Page,
  url: string,
  user: { username: string; password: string },
): Promise<void> {
  await p.goto(`${url}/console/`);
  await p.getByLabel('Username', { exact: true }).fill(user.username);
  await p.getByLabel('Password', { exact: true }).fill(user.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('navigation', { name: 'Modules' }).waitFor();
}
