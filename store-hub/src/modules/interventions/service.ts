/**
 * Interventions (spec/store.md §2.7): age checks opened when a restricted item is added, help
 * requests from the kiosk or after repeated declines; decided by staff.
 */
import type { Db } from '../../platform/db/database';
import type { Tx } from '../../platform/db/tx';
import { HubError } from '../../platform/errors';
import { numericCode } from '../../platform/ids';
import type { Bus } from '../../platform/live/bus';
import type { StaffUser } from '../staff/schemas';
import { InterventionRepo } from './repo';
import type { Intervention, InterventionStatus } from './schemas';
import { nextInterventionStatus } from './states';

/** What a rejected age check does to its basket: removes the restricted lines, answers their ids. */
export type RejectAgeCheck = (basketId: string) => string[];

export class Interventions {
  readonly repo: InterventionRepo;
  private rejectHook: RejectAgeCheck = () => [];
  /** Called with the basket id after a decision changed a basket (to notify its kiosk). */
  private basketChanged: (basketId: string, deviceId: string) => void = () => {};

  constructor(
    db: Db,
    private readonly tx: Tx,
    private readonly bus: Bus,
  ) {
    this.repo = new InterventionRepo(db);
  }

  /** Wired by the composition root: baskets own their lines. */
  onReject(hook: RejectAgeCheck, changed: (basketId: string, deviceId: string) => void): void {
    this.rejectHook = hook;
    this.basketChanged = changed;
  }

  /** Inside the caller's transaction: the basket's open age check, or a new one (staff told after commit). */
  ensureAgeCheck(deviceId: string, basketId: string): Intervention {
    const existing = this.repo.openAgeCheck(basketId);
    if (existing) return existing;
    const iv = this.repo.open({
      kind: 'age_check',
      basket_id: basketId,
      device_id: deviceId,
      reason: 'age',
      code: numericCode(4),
    });
    this.bus.emitTo('staff', 'intervention.created', iv);
    return iv;
  }

  requestHelp(deviceId: string, basketId: string | null, reason: string): Intervention {
    return this.tx.run(() => {
      const iv = this.repo.open({ kind: 'help', basket_id: basketId, device_id: deviceId, reason });
      this.bus.emitTo('staff', 'intervention.created', iv);
      return iv;
    });
  }

  /** §9.3: after the third declined card on one order, call staff (once). Inside the caller's transaction. */
  helpAfterDeclines(orderId: string, basketId: string, deviceId: string): void {
    if (this.repo.declinedTenders(orderId) !== 3) return;
    const iv = this.repo.open({
      kind: 'help',
      basket_id: basketId,
      device_id: deviceId,
      reason: 'three declined card payments',
    });
    this.bus.emitTo('staff', 'intervention.created', iv);
  }

  list(status: InterventionStatus | undefined): Intervention[] {
    return this.repo.list(status);
  }

  /** Staff decision. A rejected age check removes the restricted lines (§2.7). */
  decide(staff: StaffUser, id: string, decision: 'approve' | 'reject'): Intervention {
    return this.tx.run(() => {
      const iv = this.repo.get(id);
      if (!iv) throw new HubError('NOT_FOUND', `intervention ${id} not found`, { id });
      const status = nextInterventionStatus(iv.kind, iv.status, decision);
      if (status === null)
        throw new HubError('ALREADY_DECIDED', `intervention is already ${iv.status}`, { status: iv.status });
      if (iv.kind === 'age_check' && !staff.permissions.can_approve_age)
        throw new HubError('PERMISSION_DENIED', 'this staff user may not decide age checks');
      const removed =
        iv.kind === 'age_check' && status === 'R' && iv.basket_id ? this.rejectHook(iv.basket_id) : [];
      this.repo.decide(id, status, staff.user_id, removed);
      const row = this.repo.get(id)!;
      this.bus.emitTo(iv.device_id, 'intervention.decided', row);
      if (iv.basket_id) this.basketChanged(iv.basket_id, iv.device_id);
      this.bus.emitTo('staff', 'intervention.decided', row);
      return row;
    });
  }
}
