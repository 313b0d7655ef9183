/**
 * Exit checks (spec/store.md §3.1, §7.3): a receipt's QR value (or typed number) opens the
 * bag-check screen; staff verify or fail it with a reason. The outcome, its outbox event
 * (`order.verified` / `order.verification_failed`) and its audit row commit together. The
 * random-check rate is a store setting.
 */
import { randomInt } from 'node:crypto';
import { HubError } from '../../platform/errors';
import { newId, nowIso } from '../../platform/ids';
import { enqueueOutbox } from '../../outbox';
import type { ConsoleDeps } from '../console/deps';
import type { ConsoleSettings } from '../console/settings';
import type { ConsoleUser } from '../console-auth/service';
import type { OrderReview } from '../order-review/service';

/** From → outcome → to (§2.2): a failed check can be re-checked and pass. */
const VERIFY_FROM: Record<'verified' | 'verification_failed', readonly string[]> = {
  verified: ['completed', 'verification_failed'],
  verification_failed: ['completed'],
};

export const canRecord = (status: string, outcome: 'verified' | 'verification_failed'): boolean =>
  VERIFY_FROM[outcome].includes(status);

/** Whether an order is picked for a random check, for a rate in percent ("12.5"). */
export function pickedForRandomCheck(ratePercent: string, roll: number = randomInt(0, 10000)): boolean {
  const [i = '0', f = ''] = ratePercent.split('.');
  const hundredths = Number(i) * 100 + Number((f + '00').slice(0, 2));
  return roll < hundredths;
}

export class ExitChecks {
  constructor(
    private readonly d: ConsoleDeps,
    private readonly orders: OrderReview,
    private readonly settings: ConsoleSettings,
  ) {}

  lookup(qr: string) {
    const summary = this.orders.lookup(qr);
    const row = this.orders.row(summary.order_id);
    const priced = JSON.parse(row.priced) as {
      lines?: { item_name: string; quantity: number; requires_verification: boolean }[];
    };
    const approver = this.d.db
      .prepare<[string], { username: string | null }>(
        `SELECT u.username FROM interventions i LEFT JOIN staff_users u ON u.user_id = i.reviewer_user_id
         WHERE i.basket_id = ? AND i.kind = 'age_check' AND i.status = 'A' ORDER BY i.decided_at DESC LIMIT 1`,
      )
      .get(row.basket_id ?? '');
    return {
      order: summary,
      items: (priced.lines ?? []).map((l) => ({
        name: l.item_name,
        quantity: l.quantity,
        restricted: l.requires_verification,
      })),
      age_approved_by: approver?.username ?? null,
      verifications: this.orders.verifications(summary.order_id),
      random_check: pickedForRandomCheck(this.settings.randomCheckPercent()),
    };
  }

  record(
    staff: ConsoleUser,
    orderId: string,
    outcome: 'verified' | 'verification_failed',
    reason: string | null,
  ) {
    const cfg = this.d.store.config();
    return this.d.tx.run(() => {
      const o = this.orders.row(orderId);
      if (!canRecord(o.order_status, outcome))
        throw new HubError(
          'ORDER_NOT_VERIFIABLE',
          `an order that is ${o.order_status} cannot be marked ${outcome}`,
          { order_status: o.order_status },
        );
      const at = nowIso();
      this.d.db.prepare(`UPDATE orders SET order_status = ? WHERE order_id = ?`).run(outcome, orderId);
      this.d.db
        .prepare(
          `INSERT INTO order_verifications(verification_id, order_id, outcome, method, reason, staff_user_id, at) VALUES (?, ?, ?, 'staff', ?, ?, ?)`,
        )
        .run(newId(), orderId, outcome, reason, staff.user_id, at);
      enqueueOutbox(this.d.db, cfg, {
        type: outcome === 'verified' ? 'order.verified' : 'order.verification_failed',
        key: orderId,
        device_id: o.device_id,
        data: { order_id: orderId, o_id: o.o_id, method: 'staff', staff_user_id: staff.user_id, reason, at },
      });
      this.d.audit.write({
        staff,
        action: `exit_check.${outcome}`,
        subject: orderId,
        what: `order ${o.o_id} ${outcome === 'verified' ? 'verified' : 'failed the exit check'}`,
        why: reason,
      });
      this.d.tx.afterCommit(() => this.d.bus.emitTo('staff', `order.${outcome}`, { order_id: orderId }));
      return { order_id: orderId, order_status: outcome };
    });
  }

  setRandomRate(staff: ConsoleUser, percent: string): { random_check_percent: string } {
    this.d.tx.run(() => {
      this.settings.set('random_check_percent', percent);
      this.d.audit.write({
        staff,
        action: 'settings.random_check',
        what: `random exit-check rate set to ${percent} %`,
      });
    });
    return { random_check_percent: this.settings.randomCheckPercent() };
  }
}
