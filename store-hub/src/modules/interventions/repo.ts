import type { Db } from '../../platform/db/database';
import { newId, nowIso } from '../../platform/ids';
import type { Approval, Intervention, InterventionKind, InterventionStatus } from './schemas';

export class InterventionRepo {
  private readonly insertSt;
  private readonly getSt;
  private readonly openAgeCheckSt;
  private readonly latestAgeCheckSt;
  private readonly byStatusSt;
  private readonly latestSt;
  private readonly decideSt;
  private readonly declinesSt;

  constructor(db: Db) {
    this.insertSt = db.prepare(
      `INSERT INTO interventions(intervention_id, basket_id, device_id, kind, status, code, reason, created_at)
       VALUES (@intervention_id, @basket_id, @device_id, @kind, 'P', @code, @reason, @created_at)`,
    );
    this.getSt = db.prepare<[string], Intervention>(`SELECT * FROM interventions WHERE intervention_id = ?`);
    this.openAgeCheckSt = db.prepare<[string], Intervention>(
      `SELECT * FROM interventions WHERE basket_id = ? AND kind = 'age_check' AND status IN ('P', 'A') ORDER BY created_at DESC LIMIT 1`,
    );
    this.latestAgeCheckSt = db.prepare<[string], Approval>(
      `SELECT intervention_id, status, code, created_at, decided_at FROM interventions WHERE basket_id = ? AND kind = 'age_check' ORDER BY created_at DESC LIMIT 1`,
    );
    this.byStatusSt = db.prepare<[string], Intervention>(
      `SELECT * FROM interventions WHERE status = ? ORDER BY created_at`,
    );
    this.latestSt = db.prepare<[], Intervention>(
      `SELECT * FROM interventions ORDER BY created_at DESC LIMIT 200`,
    );
    this.decideSt = db.prepare(
      `UPDATE interventions SET status = ?, reviewer_user_id = ?, decided_at = ?, removed_line_ids = ? WHERE intervention_id = ?`,
    );
    this.declinesSt = db.prepare<[string], { n: number }>(
      `SELECT COUNT(*) AS n FROM tenders WHERE order_id = ? AND failure_code = 'DECLINED'`,
    );
  }

  /** The one way an intervention is opened (always pending). */
  open(row: {
    kind: InterventionKind;
    basket_id: string | null;
    device_id: string;
    reason: string;
    code?: string | null;
  }): Intervention {
    const intervention_id = newId();
    this.insertSt.run({ ...row, code: row.code ?? null, intervention_id, created_at: nowIso() });
    return this.getSt.get(intervention_id)!;
  }

  get(id: string): Intervention | undefined {
    return this.getSt.get(id);
  }

  openAgeCheck(basketId: string): Intervention | undefined {
    return this.openAgeCheckSt.get(basketId);
  }

  latestAgeCheck(basketId: string): Approval | null {
    return this.latestAgeCheckSt.get(basketId) ?? null;
  }

  list(status: InterventionStatus | undefined): Intervention[] {
    return status ? this.byStatusSt.all(status) : this.latestSt.all();
  }

  decide(id: string, status: InterventionStatus, reviewer: string, removed: string[]): void {
    this.decideSt.run(status, reviewer, nowIso(), JSON.stringify(removed), id);
  }

  declinedTenders(orderId: string): number {
    return this.declinesSt.get(orderId)!.n;
  }
}
