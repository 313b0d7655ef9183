/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Staff choose how a card refund is split, end to end: a real hub process with the demo store,
 * Debian's Chromium driven from the keyboard. The Refunds screen shows the hub's proposal
 * (largest card first) in one labelled field per card and cash, says in plain sentences when a
 * changed split does not fit (does not add up, more than a card can take, not an amount), keeps
 * the refund button off until it does, and refunds exactly the split staff typed. A card is named
 * the same way in its field, in the hub's problems, in the preview and in the list of refunds
 * ("Card 2 (visa ••4242)"): the simulator's two cards share brand and last digits, so only the
 * number tells them apart.
 * Screenshots go to test-results/screenshots/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../harness';
import type { ConsoleWorld } from '../console/support';
import { axeViolations, MANAGER, shoot, signIn, startConsoleWorld, TABLET } from '../console/support';
import { paidByTwoCards } from '../refund-setup';

let w: ConsoleWorld;
let ctx: BrowserContext;
let page: Page;

beforeAll(async () => {
  w = await startConsoleWorld();
  ctx = await w.browser.newContext({ viewport: TABLET });
  page = await ctx.newPage();
  await signIn(page, w.hub.url, MANAGER);
}, 90_000);

afterAll(async () => {
  await w?.close();
  removeTempDirs();
});

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const refundable = async (orderId: string): Promise<any> =>
  (await page.evaluate(async (id) => (await fetch(`/v1/console/orders/${id}/refundable`)).json(), orderId))
    .data;

describe('refund split chosen on the Refunds screen', { timeout: 60_000 }, () => {
  it('proposes largest-first, explains a split that does not fit, and refunds the split staff typed', async () => {
    const { orderId } = await paidByTwoCards(w.kiosk, w.codes.other);
    const before = await refundable(orderId);
    const [c1, c2] = before.tenders as any[];
    const unit = before.lines[0].unit_paid as string; // one unit: fits on either card
    expect(Number(c1.refundable)).toBeGreaterThan(Number(c2.refundable));
    expect(Number(c2.refundable)).toBeGreaterThanOrEqual(Number(unit));
    expect([c1.card_no, c2.card_no]).toEqual([1, 2]);
    expect(c2.card).toBe(c1.card); // a shared card: brand and last digits alike
    const name1 = `Card 1 (${c1.card})`;
    const name2 = `Card 2 (${c2.card})`;

    await page.goto(`${w.hub.url}/console/#/refunds/${orderId}`);
    await page.getByRole('heading', { name: /Order \d+/ }).waitFor();
    await page.getByLabel(/Refund qty/).fill('1');
    const split = page.getByRole('group', { name: 'Where the money goes back' });
    const card1 = split.getByLabel(`Back to ${name1}, up to £${c1.refundable}`, { exact: true });
    const card2 = split.getByLabel(`Back to ${name2}, up to £${c2.refundable}`, { exact: true });
    const cash = split.getByLabel('In cash');
    // The hub's proposal: all on the card with the most left.
    await expect.poll(() => card1.inputValue()).toBe(unit);
    expect(await card2.inputValue()).toBe('0.00');
    expect(await cash.inputValue()).toBe('0.00');
    await split.getByText('Proposed: the card with the most left to take back first.').waitFor();

    // Keyboard only from here: focus the first card's field, clear it and type.
    await card1.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0');
    const problems = split.getByRole('alert');
    await problems
      .getByText(`The parts add up to £0.00, but the refund is £${unit}: £${unit} still has to go somewhere.`)
      .waitFor();
    const submit = page.getByRole('button', { name: /^Refund £/ });
    expect(await submit.isDisabled()).toBe(true);
    expect(await card1.getAttribute('aria-describedby')).toBeTruthy();
    await page.getByLabel('Reason').fill('customer wants it on the other card');

    // Tab to the second card (Chromium selects a field's text when tabbed into) and ask too much.
    await card1.focus();
    await page.keyboard.press('Tab');
    expect(await card2.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('99');
    await problems
      .getByText(`${name2} can take back at most £${c2.refundable}, not £99.00.`, { exact: true })
      .waitFor();
    await problems
      .getByText(/^The parts add up to £99\.00, but the refund is £[\d.]+: that is £[\d.]+ too much\.$/)
      .waitFor();
    expect(await card2.getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'refund-split-problems');

    // Not an amount at all.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1.2.3');
    await problems.getByText('“1.2.3” is not an amount; write it like 3.90.').waitFor();
    expect(await submit.isDisabled()).toBe(true);

    // The proposal back with one button, then the split staff want.
    await split.getByRole('button', { name: 'Use the proposed split' }).click();
    await expect.poll(() => card1.inputValue()).toBe(unit);
    await card1.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0');
    await page.keyboard.press('Tab');
    await page.keyboard.type(unit);
    await expect.poll(() => problems.count()).toBe(0);
    await split.getByText('Split changed by you.').waitFor();
    const preview = page.getByTestId('refund-preview');
    await expect.poll(() => preview.textContent()).toContain(`Goes back: £${unit} to ${name2}`);
    expect(await submit.isDisabled()).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'refund-split-chosen');
    await submit.focus();
    await page.keyboard.press('Enter');
    await page.getByText(`Refunded £${unit}. The refund receipt is printing.`).waitFor();

    // It went back to the second card, the first kept all it can take back.
    const after = await refundable(orderId);
    expect(after.tenders.map((t: any) => t.refundable)).toEqual([
      c1.refundable,
      (Number(c2.refundable) - Number(unit)).toFixed(2),
    ]);
    const d = (await page.evaluate(
      async (id) => (await fetch(`/v1/console/orders/${id}`)).json(),
      orderId,
    )) as any;
    expect(d.data.refunds[0].parts.map((p: any) => [p.amount, p.status])).toEqual([[unit, 'REFUNDED']]);
    // The list of refunds says which card it went to, named as the field was.
    const listed = page.getByTestId(`refund-history-${d.data.refunds[0].refund_id}`);
    await expect.poll(() => listed.textContent()).toMatch(new RegExp(`· £${unit} to ${esc(name2)}$`));
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'refund-split-done');
  });

  it('says it in German too', async () => {
    const { orderId } = await paidByTwoCards(w.kiosk, w.codes.other);
    await page.evaluate(() => localStorage.setItem('kassa.console.lang', 'de'));
    try {
      await page.goto(`${w.hub.url}/console/#/refunds/${orderId}`);
      await page.reload();
      await page.getByRole('heading', { name: /Bestellung \d+/ }).waitFor();
      await page.getByLabel(/Menge erstatten/).fill('1');
      const split = page.getByRole('group', { name: 'Wohin das Geld zurückgeht' });
      const [c1, c2] = (await refundable(orderId)).tenders as any[];
      const card1 = split.getByLabel(`Zurück auf Karte 1 (${c1.card}), höchstens £${c1.refundable}`, {
        exact: true,
      });
      const card2 = split.getByLabel(`Zurück auf Karte 2 (${c2.card}), höchstens £${c2.refundable}`, {
        exact: true,
      });
      await expect.poll(async () => Number(await card1.inputValue())).toBeGreaterThan(0);
      await card1.fill('0');
      const problems = split.getByRole('alert');
      await problems
        .getByText(/^Die Teile ergeben £0\.00, die Erstattung beträgt aber £[\d.]+: £[\d.]+ fehlen noch\.$/)
        .waitFor();
      await card2.fill('99');
      await problems
        .getByText(`Auf Karte 2 (${c2.card}) können höchstens £${c2.refundable} zurückgehen, nicht £99.00.`, {
          exact: true,
        })
        .waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, 'refund-split-problems-de');
    } finally {
      await page.evaluate(() => localStorage.setItem('kassa.console.lang', 'en'));
    }
  });
});
