/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A held split refund (the second card declined after the first paid back) whose retry on the
 * card is under way when the hub is SIGKILLed (real hub process, real terminal simulator
 * journal). After the restart: no card is paid twice, the refund is either finished from the
 * terminal's own answer or held for staff again, and staff can finish it.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { refundWorldWithShift } from './refund-setup';

// The retried part is approved 4 s after the terminal got it (`delay`): ample time to kill the hub first.
const w = refundWorldWithShift(4000);

/** 10 colas (9.90) paid 6.00 + 3.90, refunded whole; the 3.90 card declines: held for staff. */
async function held() {
  const { orderId, tenders, lineId } = await w.orderPaidBy(10, ['6.00', 'rest']);
  const r = await w.staff.req('POST', '/v1/console/refunds', {
    order_id: orderId,
    lines: [{ line_id: lineId, quantity: 10 }],
    method: 'card',
    reason: 'whole order',
    simulate: 'decline_rest',
  });
  expect(r.body.data.status).toBe('PROCESSING');
  expect(r.body.data.failure).toMatch(/^incomplete: /);
  return { orderId, tenders, lineId, refundId: r.body.data.refund_id as string };
}

/**
 * Asks staff's retry of the held refund (not awaited: the hub dies under it), SIGKILLs the hub
 * once the terminal has the retried part (`refundId:3`), then restarts it.
 */
async function killDuringRetry(
  refundId: string,
  simulate: string,
  env: Record<string, string> = {},
  whileDown: () => void = () => undefined,
): Promise<void> {
  void w.staff
    .req('POST', `/v1/console/refunds/${refundId}/finish`, {
      action: 'retry',
      reason: 'card again',
      simulate,
    })
    .catch(() => undefined);
  const t0 = Date.now();
  while (!w.terminalRefunds().some((x) => x.ref === `${refundId}:3`)) {
    if (Date.now() - t0 > 20_000) throw new Error('the retried card part never reached the terminal');
    await new Promise((r) => setTimeout(r, 20));
  }
  await w.hub.stop('SIGKILL');
  // Killed mid-part: the hub's own record still has the refund in progress and the part open.
  const part = w.hubDb(
    (db) =>
      db
        .prepare(
          `SELECT r.status, p.status AS part FROM refunds r JOIN refund_parts p USING (refund_id)
                  WHERE refund_id = ? AND p.seq = 3`,
        )
        .get(refundId) as any,
  );
  expect(part).toEqual({ status: 'PROCESSING', part: 'PROCESSING' });
  whileDown();
  await w.start(env);
}

describe('a held refund retried on the card when the hub is SIGKILLed', { timeout: 120_000 }, () => {
  it('the terminal approved the retry meanwhile: finished on restart from its answer, paid once', async () => {
    const { orderId, tenders, refundId, lineId } = await held();
    await killDuringRetry(refundId, 'delay');
    const r = await w.settled(refundId);
    expect(r.status).toBe('REFUNDED');
    expect(r.failure).toBeNull();
    expect(r.parts.map((p: any) => [p.method, p.amount, p.status])).toEqual([
      ['card', '6.00', 'REFUNDED'],
      ['card', '3.90', 'FAILED'],
      ['card', '3.90', 'REFUNDED'],
    ]);
    // The journal: each card got back exactly what it paid, the retried part asked once.
    expect(w.approvedTo(tenders[0]!)).toBe(600);
    expect(w.approvedTo(tenders[1]!)).toBe(390);
    expect(
      w
        .terminalRefunds()
        .filter((x) => x.ref.startsWith(refundId))
        .map((x) => [x.ref, x.state]),
    ).toEqual([
      [`${refundId}:1`, 'approved'],
      [`${refundId}:2`, 'declined'],
      [`${refundId}:3`, 'approved'],
    ]);
    expect(w.outboxCount(orderId, 'refund.completed')).toBe(1);
    expect(w.outboxCount(orderId, 'refund.failed')).toBe(0);
    expect(await w.line(orderId)).toMatchObject({
      line_id: lineId,
      refunded_quantity: 10,
      processing_quantity: 0,
    });
    // Nothing is left to finish.
    const again = await w.staff.req('POST', `/v1/console/refunds/${refundId}/finish`, {
      action: 'retry',
      reason: 'twice',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('REFUND_NOT_HELD');
  });

  it('the terminal never finished the retry: cancelled there on restart, held again, staff pay the rest in cash', async () => {
    const { orderId, tenders, refundId } = await held();
    // The restarted hub gives the pending part 1 s more before it cancels it at the terminal.
    await killDuringRetry(refundId, 'timeout', { KASSA_REFUND_TERMINAL_TIMEOUT_MS: '1000' });
    const r = await w.settled(refundId);
    expect(r.status).toBe('PROCESSING');
    expect(r.failure).toMatch(/^incomplete: 6\.00 went back to .*; .*3\.90 to .* failed/);
    expect(r.parts.map((p: any) => [p.amount, p.status])).toEqual([
      ['6.00', 'REFUNDED'],
      ['3.90', 'FAILED'],
      ['3.90', 'FAILED'],
    ]);
    expect(w.terminalRefunds().find((x) => x.ref === `${refundId}:3`)?.state).toBe('cancelled');
    // The units stay held while it waits for staff: nobody can refund them a second time.
    expect(await w.line(orderId)).toMatchObject({ refundable_quantity: 0, processing_quantity: 10 });
    const f = await w.staff.req('POST', `/v1/console/refunds/${refundId}/finish`, {
      action: 'cash',
      reason: 'card keeps failing, customer takes cash',
    });
    expect(f.status, JSON.stringify(f.body)).toBe(200);
    expect(f.body.data.status).toBe('REFUNDED');
    expect(f.body.data.parts.at(-1)).toMatchObject({ method: 'cash', amount: '3.90', status: 'REFUNDED' });
    expect(w.approvedTo(tenders[0]!)).toBe(600);
    expect(w.approvedTo(tenders[1]!)).toBe(0);
    expect(w.outboxCount(orderId, 'refund.completed')).toBe(1);
    expect((await w.staff.req('GET', `/v1/console/orders/${orderId}`)).body.data.order_status).toBe(
      'refunded',
    );
  });

  it('the terminal never heard of the retry (killed first): failed, not sent again, staff retry it', async () => {
    const { orderId, tenders, refundId } = await held();
    await killDuringRetry(refundId, 'timeout', {}, () => {
      // As if the hub died just after committing the retried part, before the terminal got it.
      const sim = new Database(path.join(w.dataDir, 'simulator', 'terminal.sqlite'));
      sim.prepare(`DELETE FROM refunds WHERE ref = ?`).run(`${refundId}:3`);
      sim.close();
    });
    const r = await w.settled(refundId);
    expect(r.status).toBe('PROCESSING');
    expect(r.failure).toMatch(/before the terminal was asked/);
    expect(w.terminalRefunds().some((x) => x.ref === `${refundId}:3`)).toBe(false);
    const f = await w.staff.req('POST', `/v1/console/refunds/${refundId}/finish`, {
      action: 'retry',
      reason: 'customer tries again',
      simulate: 'approve',
    });
    expect(f.status, JSON.stringify(f.body)).toBe(200);
    expect(f.body.data.status).toBe('REFUNDED');
    expect(f.body.data.parts.map((p: any) => p.status)).toEqual(['REFUNDED', 'FAILED', 'FAILED', 'REFUNDED']);
    expect(w.approvedTo(tenders[0]!)).toBe(600);
    expect(w.approvedTo(tenders[1]!)).toBe(390);
    expect(w.outboxCount(orderId, 'refund.completed')).toBe(1);
  });
});
