/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The staff console end to end: a real hub process with the demo store, Debian's Chromium
 * clicking what a person clicks, a kiosk driven through the API, and the lane printer on a
 * socat pty pair. Screenshots of every module (tablet 1280×800 and desktop 1920×1080) go to
 * test-results/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paperToText } from '@kassa/hardware';
import { Client, removeTempDirs } from '../harness';
import type { ConsoleWorld } from '../console/support';
import { CLERK, MANAGER, paidOrder, SCREENSHOTS, startConsoleWorld } from '../console/support';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let w: ConsoleWorld;
let ctx: BrowserContext;
let page: Page;
let kioskSocket: Socket;
const kioskEvents: [string, any][] = [];
let heartbeat: ReturnType<typeof setInterval>;

const TABLET = { width: 1280, height: 800 };
const DESKTOP = { width: 1920, height: 1080 };

async function shoot(p: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await p.setViewportSize(TABLET);
  await p.screenshot({ path: path.join(SCREENSHOTS, `console-${name}-tablet.png`), fullPage: true });
  await p.setViewportSize(DESKTOP);
  await p.screenshot({ path: path.join(SCREENSHOTS, `console-${name}-desktop.png`), fullPage: true });
  await p.setViewportSize(TABLET);
}

/** axe-core in the page: no serious or critical violations. */
async function axe(p: Page): Promise<void> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ content: AXE });
  const r: any = await p.evaluate(async () =>
    (window as any).axe.run(document, { resultTypes: ['violations'] }),
  );
  const bad = r.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`)).toEqual(
    [],
  );
}

async function signIn(p: Page, user: { username: string; password: string }): Promise<void> {
  await p.goto(`${w.hub.url}/console/`);
  await p.getByLabel('Username', { exact: true }).fill(user.username);
  await p.getByLabel('Password', { exact: true }).fill(user.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('navigation', { name: 'Modules' }).waitFor();
}

const openTab = async (p: Page, name: string): Promise<void> => {
  await p.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name }).click();
};

beforeAll(async () => {
  w = await startConsoleWorld();
  // The kiosk reports in every 2 s, as the kiosk app does; the lanes board shows it online.
  const beat = () =>
    void w.kiosk.req('POST', '/v1/devices/heartbeat', { printer: 'ok', terminal: 'ok' }, { key: null });
  beat();
  heartbeat = setInterval(beat, 2000);
  kioskSocket = io(w.hub.url, { auth: { token: w.kiosk.token }, transports: ['websocket'] });
  kioskSocket.onAny((n: string, p: unknown) => kioskEvents.push([n, p]));
  await new Promise<void>((r) => kioskSocket.on('connect', () => r()));
  ctx = await w.browser.newContext({ viewport: TABLET });
  page = await ctx.newPage();
}, 90_000);

afterAll(async () => {
  clearInterval(heartbeat);
  kioskSocket?.close();
  await w?.close();
  removeTempDirs();
});

describe('staff console', { timeout: 30_000 }, () => {
  it('signs in with username and password and shows the lanes board with the kiosk', async () => {
    await signIn(page, MANAGER);
    const lane = page.getByTestId('lane-K1');
    await lane.waitFor();
    await expect.poll(async () => lane.textContent(), { timeout: 10_000 }).toContain('Idle');
    await axe(page);
    await shoot(page, 'lanes');
  });

  it('shows an age check from a kiosk scan; approving it reaches the kiosk socket', async () => {
    await openTab(page, 'Interventions');
    await page.getByRole('heading', { name: 'Interventions', level: 1 }).waitFor();
    const b = await w.kiosk.req('POST', '/v1/baskets', {});
    const basketId = b.body.data.basket_id;
    expect((await w.kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: w.codes.age })).status).toBe(
      201,
    );
    const card = page.getByTestId('intervention').filter({ hasText: w.codes.ageName });
    await card.waitFor({ timeout: 5_000 });
    expect(await card.textContent()).toContain('Age check');
    await axe(page);
    await shoot(page, 'interventions');
    await card.getByRole('button', { name: /Approve/ }).click();
    await expect
      .poll(
        () =>
          kioskEvents.find(([n, p]) => n === 'intervention.decided' && p.basket_id === basketId)?.[1]?.status,
        { timeout: 5_000 },
      )
      .toBe('A');
    await card.waitFor({ state: 'detached' });
    expect(await page.getByTestId('median').textContent()).toMatch(/Median response today/);
  });

  it('assists at the lane: quantity, price override and staff discount re-price through promo-core', async () => {
    const b = await w.kiosk.req('POST', '/v1/baskets', {});
    const basketId = b.body.data.basket_id;
    await w.kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code: w.codes.normal, quantity: 1 });
    await page.goto(`${w.hub.url}/console/#/assistance/${w.kioskId}`);
    const qty = page.getByLabel(/^Quantity /);
    await qty.waitFor();
    await qty.fill('3');
    await page.getByRole('button', { name: 'Set quantity' }).click();
    await expect
      .poll(
        async () => (await w.kiosk.req('GET', `/v1/baskets/${basketId}`)).body.data.priced.lines[0].quantity,
      )
      .toBe(3);
    const unit = BigInt(
      (await w.kiosk.req('GET', `/v1/baskets/${basketId}`)).body.data.priced.lines[0].unit_price.replace(
        '.',
        '',
      ),
    );
    const lower = (unit * 9n) / 10n; // 10 % off: inside the store's override limit
    const lowerText = `${lower / 100n}.${String(lower % 100n).padStart(2, '0')}`;
    await page.getByRole('button', { name: 'Price override' }).click();
    await page.getByLabel('New unit price').fill(lowerText);
    await page.getByLabel('Reason').first().fill('damaged packaging');
    await page.getByRole('button', { name: 'Apply' }).first().click();
    await expect
      .poll(
        async () =>
          (await w.kiosk.req('GET', `/v1/baskets/${basketId}`)).body.data.priced.lines[0].price_source,
      )
      .toBe('override');
    const priced = (await w.kiosk.req('GET', `/v1/baskets/${basketId}`)).body.data.priced;
    expect(BigInt(priced.lines[0].payable.replace('.', ''))).toBe(lower * 3n);
    // an item the kiosk could not scan: found by code and added by staff (can_add)
    await page.getByLabel('Name or code').fill(w.codes.other);
    await page.getByRole('button', { name: 'Find' }).click();
    // the search hits' own Add buttons (the unknown-item form has an "Add at this price" too)
    await page.locator('ul.hits').getByRole('button').first().click();
    await expect
      .poll(async () => (await w.kiosk.req('GET', `/v1/baskets/${basketId}`)).body.data.priced.lines.length)
      .toBe(2);
    const discount = page
      .locator('form')
      .filter({ has: page.getByRole('heading', { name: 'Staff discount' }) });
    await discount.getByLabel('Percent off the basket').fill('10');
    await discount.getByLabel('Reason').fill('staff purchase');
    await discount.getByRole('button', { name: 'Apply' }).click();
    await expect
      .poll(
        async () =>
          (await w.kiosk.req('GET', `/v1/baskets/${basketId}`)).body.data.priced.totals.total_basket_discount,
      )
      .not.toBe('0.00');
    await axe(page);
    await shoot(page, 'assistance');
    // leave the lane clean for the next tests
    await page.getByRole('button', { name: 'Cancel sale' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(async () => (await w.kiosk.req('GET', `/v1/baskets/${basketId}`)).body.data.state)
      .toBe('expired');
  });

  let order: any;
  it('refunds one line partially with tax reversed and prints the refund receipt', async () => {
    order = await paidOrder(w.kiosk, [
      { code: w.codes.normal, quantity: 3 },
      { code: w.codes.other, quantity: 1 },
    ]);
    await page.goto(`${w.hub.url}/console/#/orders/${order.order_id}`);
    await page.getByRole('heading', { name: new RegExp(`Order ${order.o_id}`) }).waitFor();
    await page.getByLabel('Receipt preview').waitFor();
    await axe(page);
    await shoot(page, 'orders');
    const before = w.printer.paper.length;
    await page.getByRole('button', { name: 'Reprint (COPY)' }).click();
    await page.getByText(/Copy sent to K1/).waitFor();
    await expect.poll(() => paperToText(w.printer.paper.slice(before)), { timeout: 10_000 }).toMatch(/COPY/);

    await page.getByRole('link', { name: 'Refund…' }).click();
    const qty = page.getByLabel(/^Refund qty /).first();
    await qty.waitFor();
    await qty.fill('1');
    await page.getByLabel('Reason').fill('customer changed their mind');
    // the confirmation shows the total and the tax the hub will reverse, before anything happens
    const preview = page.getByTestId('refund-preview');
    await preview.waitFor();
    const previewText = (await preview.textContent()) ?? '';
    await page.getByRole('button', { name: /^Refund/ }).click();
    await page.getByText(/Refunded .+ The refund receipt is printing/).waitFor({ timeout: 10_000 });
    await axe(page);
    await shoot(page, 'refunds');

    const staff = await bearer(MANAGER);
    const d = (await staff.req('GET', `/v1/console/orders/${order.order_id}`)).body.data;
    expect(d.refunds).toHaveLength(1);
    const r = d.refunds[0];
    expect(r).toMatchObject({ status: 'REFUNDED', mode: 'P', method: 'card' });
    expect(previewText).toContain(`£${r.amount}`);
    expect(previewText).toContain(`£${r.tax_amount}`);
    const line = d.lines[0];
    // One of three units: a third of what was paid, and a third of the line's VAT reversed (20 % inclusive).
    const paid = BigInt(line.payable.replace('.', ''));
    const refunded = BigInt(r.amount.replace('.', ''));
    expect(refunded * 3n - paid).toBeGreaterThanOrEqual(-2n);
    expect(refunded * 3n - paid).toBeLessThanOrEqual(2n);
    const tax = BigInt(r.tax_amount.replace('.', ''));
    expect(tax).toBeGreaterThan(0n);
    // inclusive 20 %: tax = amount / 6, within a rounding unit
    expect(tax * 6n - refunded).toBeGreaterThanOrEqual(-6n);
    expect(tax * 6n - refunded).toBeLessThanOrEqual(6n);
    const refundable = (await staff.req('GET', `/v1/console/orders/${order.order_id}/refundable`)).body.data;
    expect(refundable.lines[0]).toMatchObject({ refunded_quantity: 1, refundable_quantity: 2 });
    await expect.poll(() => paperToText(w.printer.paper), { timeout: 10_000 }).toMatch(/REFUND/i);
    const outbox = (await staff.req('GET', '/v1/sync/outbox?after=0&limit=1000')).body.data;
    expect(outbox.some((e: any) => e.type === 'refund.completed' && e.key === order.order_id)).toBe(true);
  });

  it('never refunds more than was paid when two staff refund the same line at once', async () => {
    const o = await paidOrder(w.kiosk, [{ code: w.codes.other, quantity: 2 }]);
    const [a, b] = [await bearer(MANAGER), await bearer(MANAGER)];
    const line = (await a.req('GET', `/v1/console/orders/${o.order_id}/refundable`)).body.data.lines[0];
    const body = {
      order_id: o.order_id,
      lines: [{ line_id: line.line_id, quantity: 2 }],
      method: 'card',
      reason: 'race',
    };
    // Different Idempotency-Keys: two separate requests, not a retry of one.
    const results = await Promise.all([
      a.req('POST', '/v1/console/refunds', body, { key: `race-a-${o.order_id}` }),
      b.req('POST', '/v1/console/refunds', body, { key: `race-b-${o.order_id}` }),
    ]);
    const ok = results.filter((x) => x.status === 201);
    const refused = results.filter((x) => x.status !== 201);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    // Planned against the first one's in-progress units, or after it completed the order.
    expect(['REFUND_EXCEEDS_REFUNDABLE', 'REFUND_NOT_ALLOWED']).toContain(refused[0]!.body.error.code);
    const after = (await a.req('GET', `/v1/console/orders/${o.order_id}`)).body.data;
    expect(after.order_status).toBe('refunded');
    expect(after.refunds.filter((r: any) => r.status === 'REFUNDED')).toHaveLength(1);
    expect(after.refunds[0].amount).toBe(o.payment?.captured_amount ?? after.total);
  });

  it('a declined card refund rolls its amounts back and reports refund.failed', async () => {
    const o = await paidOrder(w.kiosk, [{ code: w.codes.other, quantity: 1 }]);
    const staff = await bearer(MANAGER);
    const line = (await staff.req('GET', `/v1/console/orders/${o.order_id}/refundable`)).body.data.lines[0];
    const body = {
      order_id: o.order_id,
      lines: [{ line_id: line.line_id, quantity: 1 }],
      method: 'card',
      reason: 'x',
    };
    const declined = await staff.req('POST', '/v1/console/refunds', { ...body, simulate: 'decline' });
    expect(declined.status).toBe(201);
    expect(declined.body.data).toMatchObject({
      status: 'PSP_FAILED',
      failure: 'refund declined by the acquirer',
    });
    const after = (await staff.req('GET', `/v1/console/orders/${o.order_id}/refundable`)).body.data.lines[0];
    expect(after).toMatchObject({ refundable_quantity: 1, processing_quantity: 0, refunded_quantity: 0 });
    const outbox = (await staff.req('GET', '/v1/sync/outbox?after=0&limit=1000')).body.data;
    expect(outbox.some((e: any) => e.type === 'refund.failed' && e.key === o.order_id)).toBe(true);
    // and a retry that the terminal approves goes through
    const ok = await staff.req('POST', '/v1/console/refunds', body);
    expect(ok.body.data.status).toBe('REFUNDED');
  });

  it('closes a shift with a variance that shows in the cash report', async () => {
    await openTab(page, 'Shifts & cash');
    await page.getByRole('heading', { name: 'Open shift' }).waitFor();
    await page.getByLabel('Counted 20.00').fill('5'); // float 100.00
    await page.getByRole('button', { name: /Open shift with £100.00/ }).click();
    await page.getByRole('heading', { name: /Shift 1 open/ }).waitFor();
    // the cash event opened the lane's drawer through its printer (@kassa/hardware)
    await expect.poll(() => w.printer.paper.some((i) => i.type === 'drawer'), { timeout: 10_000 }).toBe(true);
    await page.getByLabel('Amount').fill('10.00');
    await page.getByLabel('Reason').fill('change from the safe');
    await page.getByRole('button', { name: 'Record' }).click();
    await page.getByText('£110.00').first().waitFor();
    // count 109.50: 50 short
    await page.getByLabel('Left in drawer 20.00').fill('4');
    await page.getByLabel('Left in drawer 5.00').fill('1');
    await page.getByLabel('Left in drawer 2.00').fill('2');
    await page.getByLabel('Left in drawer 0.50').fill('1');
    await page.getByLabel('To the bank 20.00').fill('1');
    expect(await page.getByTestId('variance').textContent()).toBe('£-0.50');
    await axe(page);
    await shoot(page, 'shifts');
    await page.getByRole('button', { name: 'Close shift' }).click();
    await page.getByText('Shift closed. Variance £-0.50.').waitFor();
    const report = page.getByTestId('cash-report');
    await report.waitFor();
    expect(await report.textContent()).toContain('−£0.50');
    await shoot(page, 'cash-report');
  });

  it('pays a cash refund out of the open shift and counts it in the cash-up', async () => {
    const o = await paidOrder(w.kiosk, [{ code: w.codes.other, quantity: 1 }]);
    const staff = await bearer(MANAGER);
    const shift = (
      await staff.req('POST', '/v1/console/shifts', { device_id: w.kioskId, denominations: { '10.00': 5 } })
    ).body.data;
    expect(shift.start_amount).toBe('50.00');
    const line = (await staff.req('GET', `/v1/console/orders/${o.order_id}/refundable`)).body.data.lines[0];
    const r = await staff.req('POST', '/v1/console/refunds', {
      order_id: o.order_id,
      lines: [{ line_id: line.line_id, quantity: 1 }],
      method: 'cash',
      reason: 'no card',
    });
    expect(r.body.data).toMatchObject({ status: 'REFUNDED', method: 'cash' });
    const open = (await staff.req('GET', `/v1/console/registers/${w.kioskId}/shift`)).body.data;
    expect(open.cash_returns).toBe(r.body.data.amount);
    const expected = BigInt(open.expected.replace('.', ''));
    expect(expected).toBe(5000n - BigInt(r.body.data.amount.replace('.', '')));
    // A second open shift on the register is refused; a count equal to expected has no variance.
    const again = await staff.req('POST', '/v1/console/shifts', { device_id: w.kioskId, denominations: {} });
    expect(again.body.error.code).toBe('SHIFT_ALREADY_OPEN');
    const closed = (
      await staff.req('POST', `/v1/console/shifts/${shift.shift_id}/close`, {
        end_denominations: { '0.01': Number(expected) },
        removed_denominations: {},
      })
    ).body.data;
    expect(closed).toMatchObject({ status: 'closed', mismatch: '0.00' });
    const outbox = (await staff.req('GET', '/v1/sync/outbox?after=0&limit=1000')).body.data;
    const ended = outbox.find((e: any) => e.type === 'shift.ended' && e.key === shift.shift_id);
    expect(ended.data.legacy).toMatchObject({
      register: 'K1',
      workerId: MANAGER.staff_id,
      startingAmount: '50.00',
    });
  });

  it('verifies an order at the exit from its receipt QR value', async () => {
    const o = await paidOrder(w.kiosk, [{ code: w.codes.normal }]);
    await openTab(page, 'Exit check');
    await page.getByLabel('Scan or type the receipt QR').fill(`kassa:order:${o.order_id}`);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('heading', { name: new RegExp(`Bag check — order ${o.o_id}`) }).waitFor();
    await axe(page);
    await shoot(page, 'exit-check');
    await page.getByRole('button', { name: 'Verified' }).click();
    await page.getByText(`Order ${o.o_id} verified.`).waitFor();
    const staff = await bearer(MANAGER);
    expect((await staff.req('GET', `/v1/console/orders/${o.order_id}`)).body.data.order_status).toBe(
      'verified',
    );
    const outbox = (await staff.req('GET', '/v1/sync/outbox?after=0&limit=1000')).body.data;
    expect(outbox.some((e: any) => e.type === 'order.verified' && e.key === o.order_id)).toBe(true);
  });

  it('revokes a device: its next request is 401 and its socket is dropped', async () => {
    const staff = await bearer(MANAGER);
    const code = (await staff.req('POST', '/v1/console/pairing-codes', {})).body.data.code;
    const k2 = new Client(w.hub.url);
    const p = await k2.req('POST', '/v1/devices/pair', { code, name: 'Kiosk 2', retailer_device_id: 'K2' });
    k2.token = p.body.data.token;
    const sock = io(w.hub.url, { auth: { token: k2.token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((r) => sock.on('connect', () => r()));
    const dropped = new Promise<void>((r) => sock.on('disconnect', () => r()));
    await openTab(page, 'Devices');
    const row = page.getByTestId('device-K2');
    await row.waitFor();
    await axe(page);
    await shoot(page, 'devices');
    await row.getByRole('button', { name: 'Revoke K2' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(async () => row.textContent()).toContain('Revoked');
    await dropped;
    const r = await k2.req('POST', '/v1/baskets', {});
    expect(r.status).toBe(401);
  });

  it('shows the audit log and the sync backlog', async () => {
    await openTab(page, 'Audit log');
    await page.getByRole('rowheader', { name: 'refund.create' }).first().waitFor();
    await page.getByLabel('Search').fill('revoked');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('rowheader', { name: 'device.revoke' }).waitFor();
    await axe(page);
    await shoot(page, 'audit');
    await openTab(page, 'Sync');
    await page.getByTestId('backlog').waitFor();
    expect(Number(await page.getByTestId('backlog').textContent())).toBeGreaterThan(0);
    await axe(page);
    await shoot(page, 'sync');
  });

  it('a user without can_refund sees no refund action and the API answers 403', async () => {
    const clerkCtx = await w.browser.newContext({ viewport: TABLET });
    const p = await clerkCtx.newPage();
    await signIn(p, CLERK);
    await p.goto(`${w.hub.url}/console/#/refunds/${order.order_id}`);
    await p.getByText('You may look at refunds but not make them.').waitFor();
    expect(await p.getByLabel(/^Refund qty /).count()).toBe(0);
    expect(await p.getByRole('button', { name: /^Refund/ }).count()).toBe(0);
    // The same request the page would send, with the clerk's own session and CSRF token.
    const status = await p.evaluate(async (orderId) => {
      const csrf = decodeURIComponent(
        document.cookie
          .split('; ')
          .find((c) => c.startsWith('kassa_csrf='))!
          .slice(11),
      );
      const r = await fetch('/v1/console/refunds', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({
          order_id: orderId,
          lines: [{ line_id: 'x', quantity: 1 }],
          method: 'card',
          reason: 'try',
        }),
      });
      return { status: r.status, body: await r.json() };
    }, order.order_id);
    expect(status.status).toBe(403);
    expect(status.body.error.details.permission).toBe('can_refund');
    // Without the CSRF header the session cookie alone is refused.
    const noCsrf = await p.evaluate(
      async () => (await fetch('/v1/console/pairing-codes', { method: 'POST' })).status,
    );
    expect(noCsrf).toBe(403);
    await clerkCtx.close();
  });

  it('signs in with staff id and PIN, in German, and shows a kiosk that stops reporting as offline', async () => {
    const staff = await bearer(MANAGER);
    const code = (await staff.req('POST', '/v1/console/pairing-codes', {})).body.data.code;
    const k3 = new Client(w.hub.url);
    k3.token = (
      await k3.req('POST', '/v1/devices/pair', { code, name: 'Kiosk 3', retailer_device_id: 'K3' })
    ).body.data.token;
    await k3.req('POST', '/v1/devices/heartbeat', { printer: 'none', terminal: 'ok' }, { key: null });
    const deCtx = await w.browser.newContext({ viewport: TABLET, locale: 'de-DE' });
    const p = await deCtx.newPage();
    await p.goto(`${w.hub.url}/console/`);
    await p.getByLabel('Personalnummer und PIN').check();
    await p.getByLabel('Personalnummer', { exact: true }).fill(MANAGER.staff_id);
    await p.getByLabel('6-stellige PIN').fill(MANAGER.pin);
    await p.getByRole('button', { name: 'Anmelden' }).click();
    const lane = p.getByTestId('lane-K3');
    await lane.waitFor();
    await expect
      .poll(async () => lane.textContent(), { timeout: 15_000, interval: 500 })
      .toContain('Offline');
    await axe(p);
    await shoot(p, 'lanes-de');
    await deCtx.close();
  });
});

const bearers = new Map<string, Client>();
/** An API client with a staff bearer session (the hub's stf_ tokens work on console endpoints too). */
async function bearer(u: { username: string; pin: string }): Promise<Client> {
  const c = new Client(w.hub.url);
  const r = await c.req('POST', '/v1/staff/sessions', { username: u.username, pin: u.pin });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  c.token = r.body.data.token;
  bearers.set(u.username, c);
  return c;
}
