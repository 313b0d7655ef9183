/**
 * Set-up shared by the refund tests, so that a change to how a test hub, a shift or a paid order
 * comes about is made once: the refund API tests' hub with an open shift (a cash part needs one),
 * and the console e2e tests' order paid by two cards.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Client } from './harness';
import { removeTempDirs } from './harness';
import { RefundWorld } from './refund-support';

/**
 * A RefundWorld started before the file's tests (returns within 30 days, an open shift of
 * 2 × 10.00 on the kiosk's register) and stopped after them. `decideMs`: as RefundWorld's.
 */
export function refundWorldWithShift(decideMs?: number): RefundWorld {
  const w = new RefundWorld(decideMs);
  beforeAll(async () => {
    await w.setUp({ refund_policy: { return_window_days: 30 } });
    const shift = await w.staff.req('POST', '/v1/console/shifts', {
      device_id: w.kioskDeviceId,
      denominations: { '10.00': 2 },
    });
    expect(shift.status, JSON.stringify(shift.body)).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await w.hub?.stop();
    removeTempDirs();
  });
  return w;
}

/**
 * An order of 3 × `code` paid about 60 % by a first card (`first`, rounded down to the penny) and
 * the rest by a second, each captured before the next; answers the order, its total and `first`.
 */
export async function paidByTwoCards(
  kiosk: Client,
  code: string,
): Promise<{ orderId: string; total: string; first: string }> {
  const b = await kiosk.req('POST', '/v1/baskets', {});
  const basketId = b.body.data.basket_id;
  await kiosk.req('POST', `/v1/baskets/${basketId}/lines`, { code, quantity: 3 });
  const o = await kiosk.req('POST', '/v1/orders', { basket_id: basketId });
  const orderId: string = o.body.data.order_id;
  // In minor units (pence): 60 % of the total, rounded down.
  const minor = (BigInt((o.body.data.total as string).replace('.', '')) * 60n) / 100n;
  const first = `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
  for (const body of [{ amount: first, simulate: 'approve' }, { simulate: 'approve' }]) {
    await kiosk.req('POST', `/v1/orders/${orderId}/tenders`, body);
    await expect
      .poll(async () => {
        const g = await kiosk.req('GET', `/v1/orders/${orderId}`);
        return g.body.data.payment.tenders.at(-1)?.status;
      })
      .toBe('captured');
  }
  return { orderId, total: o.body.data.total, first };
}
