/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The console actions added in session 3, end to end: a real hub process with the demo store,
 * Debian's Chromium clicking what a person clicks, a kiosk driven through the API. The lanes
 * board follows a kiosk's basket live (basket.updated on the staff socket; its re-read every
 * 15 s is only a fallback), staff allow a line over the quantity limit and sell an unknown
 * barcode at a price, a refund of an order paid by two cards goes back to both, and a split
 * refund held after the second card declined is finished from the Refunds screen.
 * Screenshots go to test-results/screenshots/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../harness';
import type { ConsoleWorld } from '../console/support';
import { axeViolations, MANAGER, shoot, signIn, startConsoleWorld, TABLET } from '../console/support';
import { paidByTwoCards } from '../refund-setup';

const UNKNOWN = '4006381333931'; // a valid EAN-13 the demo catalogue does not have

let w: ConsoleWorld;
let ctx: BrowserContext;
let page: Page;
let heartbeat: ReturnType<typeof setInterval>;
let lanesReads = 0;

beforeAll(async () => {
  w = await startConsoleWorld();
  const beat = () =>
    void w.kiosk.req('POST', '/v1/devices/heartbeat', { printer: 'ok', terminal: 'ok' }, { key: null });
  beat();
  heartbeat = setInterval(beat, 2000);
  ctx = await w.browser.newContext({ viewport: TABLET });
  page = await ctx.newPage();
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v1/console/lanes') lanesReads++;
  });
  await signIn(page, w.hub.url, MANAGER);
}, 90_000);

afterAll(async () => {
  clearInterval(heartbeat);
  await w?.close();
  removeTempDirs();
});

describe('staff console (session 3 actions)', { timeout: 40_000 }, () => {
  it('the lanes board shows a kiosk’s new line from the live event, not from a poll', async () => {
    const lane = page.getByTestId('lane-K1');
    await lane.waitFor();
    await expect.poll(() => lane.textContent(), { timeout: 10_000 }).toContain('Idle');
    const before = lanesReads;
    const b = await w.kiosk.req('POST', '/v1/baskets', {});
    const add = await w.kiosk.req('POST', `/v1/baskets/${b.body.data.basket_id}/lines`, {
      code: w.codes.other,
      quantity: 2,
    });
    expect(add.status).toBe(201);
    // Well inside the 15 s fallback: only basket.updated on the staff socket can bring it this soon.
    await lane.getByText('2 ×', { exact: false }).waitFor({ timeout: 5_000 });
    expect(lanesReads - before).toBeLessThanOrEqual(2);
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'lanes-live');
  });

  it('allows a line the quantity limit refused and sells an unknown barcode at a price', async () => {
    const b = await w.kiosk.req('POST', '/v1/baskets', {});
    const basketId = b.body.data.basket_id;
    const add = (code: string, quantity: number) =>
      w.kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code, quantity });
    expect((await add(w.codes.limited, 2)).status).toBe(201);
    expect((await add(w.codes.limited, 1)).body.error.code).toBe('QUANTITY_RESTRICTED');
    expect((await add(UNKNOWN, 1)).body.error.code).toBe('ITEM_NOT_FOUND');

    await page.goto(`${w.hub.url}/console/#/assistance/${w.kioskId}`);
    await page.getByRole('heading', { name: 'Allow over the quantity limit' }).waitFor();
    const limit = page.locator('form', {
      has: page.getByRole('heading', { name: 'Allow over the quantity limit' }),
    });
    await limit.getByLabel('Barcode').fill(w.codes.limited);
    await limit.getByLabel('Quantity').fill('1');
    await limit.getByLabel('Reason').fill('family of three, manager agreed');
    await limit.getByRole('button', { name: 'Allow and add' }).click();
    await expect.poll(() => page.getByRole('row', { name: new RegExp(w.codes.limitedName) }).count()).toBe(2);

    const manual = page.locator('form', { has: page.getByRole('heading', { name: 'Sell an unknown item' }) });
    await manual.getByLabel('Barcode').fill(UNKNOWN);
    await manual.getByLabel('Item name').fill('Garden gnome');
    await manual.getByLabel('Price').fill('4.5x');
    await manual.getByLabel('Reason').fill('not in the catalogue yet');
    await manual.getByRole('button', { name: 'Add at this price' }).click();
    await manual.getByRole('alert').getByText('Enter an amount like 12.50.').waitFor();
    await manual.getByLabel('Price').fill('4.50');
    await manual.getByRole('button', { name: 'Add at this price' }).click();
    const gnome = page.getByRole('row', { name: /Garden gnome/ });
    await gnome.waitFor();
    expect(await gnome.textContent()).toContain('price entered by staff');
    expect(await gnome.textContent()).toContain('4.50');
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'assistance-limit-and-unknown');

    const entries = (await page.evaluate(async () =>
      (await fetch('/v1/console/audit?limit=5')).json(),
    )) as any;
    expect(entries.data.entries.map((e: any) => e.action)).toEqual(
      expect.arrayContaining(['assistance.limit_override', 'assistance.manual_item']),
    );
  });

  it('refunds an order paid by two cards back to both, largest first', async () => {
    const { orderId, first } = await paidByTwoCards(w.kiosk, w.codes.other); // about 60 % on the first card
    await page.goto(`${w.hub.url}/console/#/refunds/${orderId}`);
    await page.getByRole('heading', { name: /Order \d+/ }).waitFor();
    await page.getByLabel(/Refund qty/).fill('3');
    await page.getByLabel('Reason').fill('changed their mind');
    const preview = page.getByTestId('refund-preview');
    // The two cards share brand and last digits: their numbers tell them apart.
    const both = new RegExp(
      `£${esc(first)} to Card 1 \\(visa ••4242\\), £[\\d.]+ to Card 2 \\(visa ••4242\\)$`,
    );
    await expect.poll(() => preview.textContent()).toMatch(/^Refund total .* — Goes back: /);
    expect(await preview.textContent()).toMatch(both);
    await page.getByRole('button', { name: /^Refund £/ }).click();
    await page.getByText(/^Refunded £/).waitFor();
    const d = (await page.evaluate(
      async (id) => (await fetch(`/v1/console/orders/${id}`)).json(),
      orderId,
    )) as any;
    expect(d.data.refunds[0].parts.map((p: any) => p.status)).toEqual(['REFUNDED', 'REFUNDED']);
    // The list of refunds says how much went to each card.
    const listed = page.getByTestId(`refund-history-${d.data.refunds[0].refund_id}`);
    await expect.poll(() => listed.textContent()).toMatch(both);
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'refunds-two-cards');
    expect(d.data.order_status).toBe('refunded');
  });

  it('finishes a split refund held after the second card declined by trying the card again', async () => {
    const { orderId } = await paidByTwoCards(w.kiosk, w.codes.other);
    // The held refund is made through the staff session's API (the simulator scenario is not a
    // console control); finishing it is what staff click.
    const held = (await page.evaluate(async (id) => {
      const csrf = decodeURIComponent(document.cookie.match(/kassa_csrf=([^;]*)/)?.[1] ?? '');
      const h = { 'content-type': 'application/json', 'x-csrf-token': csrf };
      const r = await (await fetch(`/v1/console/orders/${id}/refundable`)).json();
      const line = r.data.lines[0];
      const body = {
        order_id: id,
        lines: [{ line_id: line.line_id, quantity: line.refundable_quantity }],
        method: 'card',
        reason: 'whole order',
        simulate: 'decline_rest',
      };
      return (
        await fetch('/v1/console/refunds', { method: 'POST', headers: h, body: JSON.stringify(body) })
      ).json();
    }, orderId)) as any;
    expect(held.data.status).toBe('PROCESSING');
    // Which card declined, by its number: both are visa ••4242.
    expect(held.data.failure).toMatch(
      /^incomplete: [\d.]+ went back to card 1 \(visa ••4242\); [\d.]+ to card 2 \(visa ••4242\) failed/,
    );
    await page.goto(`${w.hub.url}/console/#/refunds/${orderId}`);
    const panel = page.getByTestId('held-refund');
    await panel
      .getByRole('heading', { name: /stopped halfway: £[\d.]+ went back, £[\d.]+ is still owed/ })
      .waitFor();
    // Another order than the last test's: that refund's "Refunded …" notice is not carried over.
    expect(await page.getByText(/^Refunded £/).allTextContents()).toEqual([]);
    // Listed with each part's state: the second card's part failed.
    await expect
      .poll(() => page.getByTestId(`refund-history-${held.data.refund_id}`).textContent())
      .toMatch(
        /· £[\d.]+ to Card 1 \(visa ••4242\), £[\d.]+ to Card 2 \(visa ••4242\): failed · incomplete: /,
      );
    const retry = panel.getByRole('button', { name: 'Try the card again' });
    expect(await retry.isDisabled()).toBe(true); // a reason first
    await panel.getByLabel('Reason for finishing').fill('customer tries the card again');
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'refund-held');
    await retry.click();
    await page.getByText(/^The refund is finished: £[\d.]+ went back in all\.$/).waitFor();
    expect(await panel.count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'refund-held-finished');
    const d = (await page.evaluate(
      async (id) => (await fetch(`/v1/console/orders/${id}`)).json(),
      orderId,
    )) as any;
    expect(d.data.refunds[0].parts.map((p: any) => p.status)).toEqual(['REFUNDED', 'FAILED', 'REFUNDED']);
    expect(d.data.refunds[0].status).toBe('REFUNDED');
    expect(d.data.order_status).toBe('refunded');
    // Listed with what went back to each card in the end; the declined part is history.
    const [p1, , p3] = d.data.refunds[0].parts;
    await expect
      .poll(() => page.getByTestId(`refund-history-${d.data.refunds[0].refund_id}`).textContent())
      .toMatch(
        new RegExp(
          `£${esc(p1.amount)} to Card 1 \\(visa ••4242\\), £${esc(p3.amount)} to Card 2 \\(visa ••4242\\)( ·|$)`,
        ),
      );
  });
});

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
