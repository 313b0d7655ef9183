/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Staff choose how a card refund is split over the order's tenders (real hub process, terminal
 * simulator journal): the default stays largest-first; a chosen split is paid exactly as chosen;
 * a split that does not fit (a part over what its card can still take, parts not adding up to
 * the refund, cash where the store gives none) is refused with every problem in plain sentences
 * and in details, and nothing is recorded or paid.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE } from './harness';
import { refundWorldWithShift } from './refund-setup';

const w = refundWorldWithShift();

const refundsOf = (orderId: string) =>
  w.hubDb((db) => db.prepare(`SELECT COUNT(*) AS n FROM refunds WHERE order_id = ?`).get(orderId) as any).n;

describe('a card refund split as staff choose', { timeout: 90_000 }, () => {
  it('shows each card with what it can take back, proposes largest-first, and pays a chosen split as chosen', async () => {
    const { orderId, tenders, lineId } = await w.orderPaidBy(10, ['6.00', 'rest']); // 6.00 + 3.90
    const rf = (await w.staff.req('GET', `/v1/console/orders/${orderId}/refundable`)).body.data;
    expect(rf.tenders.map((t: any) => [t.tender_id, t.paid, t.refundable])).toEqual([
      [tenders[0], '6.00', '6.00'],
      [tenders[1], '3.90', '3.90'],
    ]);
    expect(rf.tenders[0].card).toMatch(/••/);
    // Numbered paid first first: the simulator's two cards share brand and last digits.
    expect(rf.tenders.map((t: any) => t.card_no)).toEqual([1, 2]);
    expect(rf.tenders[1].card).toBe(rf.tenders[0].card);
    expect(rf.refund_parts).toEqual([]);
    const lines = [{ line_id: lineId, quantity: 4 }]; // 3.96
    const proposed = await w.staff.req('POST', '/v1/console/refunds/preview', {
      order_id: orderId,
      lines,
      method: 'card',
    });
    expect(proposed.body.data.parts.map((p: any) => [p.tender_id, p.amount])).toEqual([[tenders[0], '3.96']]);
    // The customer wants it on the second card as far as it goes, the rest on the first.
    const split = [
      { tender_id: tenders[1], amount: '3.90' },
      { tender_id: tenders[0], amount: '0.06' },
    ];
    const chosen = await w.staff.req('POST', '/v1/console/refunds/preview', {
      order_id: orderId,
      lines,
      method: 'card',
      split,
    });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
    expect(chosen.body.data.parts.map((p: any) => [p.tender_id, p.card_no, p.amount])).toEqual([
      [tenders[1], 2, '3.90'],
      [tenders[0], 1, '0.06'],
    ]);
    const r = await w.staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines,
      method: 'card',
      split,
      reason: 'customer asked',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.data.status).toBe('REFUNDED');
    expect(r.body.data.parts.map((p: any) => [p.amount, p.status])).toEqual([
      ['3.90', 'REFUNDED'],
      ['0.06', 'REFUNDED'],
    ]);
    expect(w.approvedTo(tenders[1]!)).toBe(390);
    expect(w.approvedTo(tenders[0]!)).toBe(6);
    const audit = w.hubDb(
      (db) =>
        db
          .prepare(`SELECT what, details FROM audit_log WHERE subject = ? AND action = 'refund.create'`)
          .get(orderId) as any,
    );
    expect(audit.what).toMatch(/split chosen by staff/);
    expect(audit.what).toMatch(/: 3\.90 to card 2 \(\S+ ••\S+\) and 0\.06 to card 1 \(\S+ ••\S+\) /);
    // What each card can still take back follows, and which card each part of the refund went to.
    const after = (await w.staff.req('GET', `/v1/console/orders/${orderId}/refundable`)).body.data;
    expect(after.tenders.map((t: any) => t.refundable)).toEqual(['5.94', '0.00']);
    expect(
      after.refund_parts.map((p: any) => [p.refund_id, p.method, p.tender_id, p.card_no, p.amount, p.status]),
    ).toEqual([
      [r.body.data.refund_id, 'card', tenders[1], 2, '3.90', 'REFUNDED'],
      [r.body.data.refund_id, 'card', tenders[0], 1, '0.06', 'REFUNDED'],
    ]);
    // A later default refund is largest-first again.
    const next = await w.staff.req('POST', '/v1/console/refunds/preview', {
      order_id: orderId,
      lines: [{ line_id: lineId, quantity: 2 }],
      method: 'card',
    });
    expect(next.body.data.parts.map((p: any) => [p.tender_id, p.amount])).toEqual([[tenders[0], '1.98']]);
  });

  it('a card part and a cash part: cash is paid from the open shift', async () => {
    const { orderId, tenders, lineId } = await w.orderPaidBy(3, ['all']); // 2.97
    const r = await w.staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines: [{ line_id: lineId, quantity: 3 }],
      method: 'card',
      split: [
        { tender_id: null, amount: '1.00' },
        { tender_id: tenders[0], amount: '1.97' },
      ],
      reason: 'part cash',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.data.status).toBe('REFUNDED');
    // Cards first (cash changes hands once the cards are done).
    expect(r.body.data.parts.map((p: any) => [p.method, p.amount, p.status])).toEqual([
      ['card', '1.97', 'REFUNDED'],
      ['cash', '1.00', 'REFUNDED'],
    ]);
    expect(w.approvedTo(tenders[0]!)).toBe(197);
  });

  it('refuses a split that does not fit, naming every problem, and records and pays nothing', async () => {
    const { orderId, tenders, lineId } = await w.orderPaidBy(10, ['6.00', 'rest']);
    const lines = [{ line_id: lineId, quantity: 10 }]; // 9.90
    const ask = (split: unknown, path = '/v1/console/refunds') =>
      w.staff.req('POST', path, { order_id: orderId, lines, method: 'card', split, reason: 'x' });

    const over = await ask([
      { tender_id: tenders[0], amount: '5.00' },
      { tender_id: tenders[1], amount: '4.90' },
    ]);
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('REFUND_SPLIT_INVALID');
    // Named as the console's split fields name it: by number, the two cards share brand and digits.
    expect(over.body.error.message).toMatch(/^card 2 \(\S+ ••\S+\) can take back at most 3\.90, not 4\.90$/);
    expect(over.body.error.details.problems).toEqual([
      {
        kind: 'over_tender',
        tender_id: tenders[1],
        card_no: 2,
        card: expect.stringMatching(/••/),
        amount: '4.90',
        left: '3.90',
      },
    ]);

    const short = await ask([{ tender_id: tenders[0], amount: '6.00' }], '/v1/console/refunds/preview');
    expect(short.status).toBe(422);
    expect(short.body.error.message).toBe(
      'the parts add up to 6.00 but the refund is 9.90: 3.90 still has to go somewhere',
    );
    expect(short.body.error.details.problems).toEqual([{ kind: 'sum', sum: '6.00', amount: '9.90' }]);

    const both = await ask([
      { tender_id: tenders[0], amount: '7.00' },
      { tender_id: tenders[1], amount: '3.90' },
    ]);
    expect(both.body.error.message).toMatch(
      /^card 1 \(\S+ ••\S+\) can take back at most 6\.00, not 7\.00; the parts add up to 10\.90 but the refund is 9\.90: that is 1\.00 too much$/,
    );
    expect(both.body.error.details.problems.map((p: any) => p.kind)).toEqual(['over_tender', 'sum']);

    const stranger = await ask([{ tender_id: 'no-such-tender', amount: '9.90' }]);
    expect(stranger.status).toBe(422);
    expect(stranger.body.error.details.problems).toEqual([
      { kind: 'unknown_tender', tender_id: 'no-such-tender' },
    ]);

    // The boundary: each tender once, decimal amounts, the currency's decimals, card refunds only.
    const twice = await ask([
      { tender_id: tenders[0], amount: '4.95' },
      { tender_id: tenders[0], amount: '4.95' },
    ]);
    expect(twice.status).toBe(400);
    expect(twice.body.error.code).toBe('VALIDATION_FAILED');
    expect((await ask([{ tender_id: tenders[0], amount: '-1.00' }])).status).toBe(400);
    expect((await ask([{ tender_id: tenders[0], amount: 'lots' }])).status).toBe(400);
    expect((await ask([])).status).toBe(400);
    const fine = await ask([{ tender_id: tenders[0], amount: '9.901' }]);
    expect(fine.status).toBe(400);
    expect(fine.body.error.message).toMatch(/more decimals than this store's currency/);
    const cashMethod = await w.staff.req('POST', '/v1/console/refunds', {
      order_id: orderId,
      lines,
      method: 'cash',
      split: [{ tender_id: null, amount: '9.90' }],
      reason: 'x',
    });
    expect(cashMethod.status).toBe(400);
    expect(cashMethod.body.error.message).toMatch(/a split is for card refunds/);

    // Nothing recorded, nothing sent to the terminal, the line untouched.
    expect(refundsOf(orderId)).toBe(0);
    expect(w.terminalRefunds().filter((x) => tenders.includes(x.tender_id))).toEqual([]);
    expect(await w.line(orderId)).toMatchObject({ refundable_quantity: 10, processing_quantity: 0 });
  });

  it('refuses a cash part where the store gives no cash refunds', async () => {
    const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const config = (policy: Record<string, unknown>, version: number) => ({
      ...doc.store_config,
      refund_policy: policy,
      config_version: version,
    });
    expect(
      (await w.staff.req('POST', '/v1/catalog/import', { store_config: config({ cash_allowed: false }, 2) }))
        .status,
    ).toBe(200);
    try {
      const { orderId, tenders, lineId } = await w.orderPaidBy(2, ['all']); // 1.98
      const r = await w.staff.req('POST', '/v1/console/refunds', {
        order_id: orderId,
        lines: [{ line_id: lineId, quantity: 2 }],
        method: 'card',
        split: [
          { tender_id: tenders[0], amount: '0.98' },
          { tender_id: null, amount: '1.00' },
        ],
        reason: 'x',
      });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('REFUND_SPLIT_INVALID');
      expect(r.body.error.message).toBe(
        'this store does not give refunds in cash, so 1.00 cannot go back in cash',
      );
      expect(refundsOf(orderId)).toBe(0);
    } finally {
      const back = await w.staff.req('POST', '/v1/catalog/import', { store_config: config({}, 3) });
      expect(back.status).toBe(200);
    }
  });
});
