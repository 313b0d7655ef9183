/**
 * The audit log: one row per staff action (approval, override, void, refund, cash movement,
 * shift close, device revoke, import), written inside the action's own transaction so the two
 * commit or fail together. Rows are never updated or deleted (triggers refuse it).
 */
import type { Db } from '../../platform/db/database';
import { nowIso } from '../../platform/ids';

export interface AuditEntryInput {
  staff: { user_id: string; username: string } | null;
  device?: { device_id: string; label: string } | null;
  action: string;
  subject?: string | null;
  what: string;
  why?: string | null;
  details?: unknown;
}

export interface AuditEntry {
  audit_id: number;
  at: string;
  staff_username: string | null;
  device: string | null;
  action: string;
  subject: string | null;
  what: string;
  why: string | null;
}

export interface AuditQuery {
  q?: string;
  action?: string;
  staff?: string;
  from?: string;
  to?: string;
  limit: number;
}

export class Audit {
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO audit_log(at, staff_user_id, staff_username, device_id, device_label, action, subject, what, why, details)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Must run inside the action's transaction. */
  write(e: AuditEntryInput): void {
    if (!this.db.inTransaction) throw new Error('an audit row is written inside its action’s transaction');
    this.insert.run(
      nowIso(),
      e.staff?.user_id ?? null,
      e.staff?.username ?? null,
      e.device?.device_id ?? null,
      e.device?.label ?? null,
      e.action,
      e.subject ?? null,
      e.what,
      e.why ?? null,
      JSON.stringify(e.details ?? {}, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    );
  }

  search(q: AuditQuery): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.q) {
      where.push(
        `(what LIKE ? ESCAPE '\\' OR why LIKE ? ESCAPE '\\' OR action LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\' OR staff_username LIKE ? ESCAPE '\\')`,
      );
      const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      args.push(like, like, like, like, like);
    }
    if (q.action) {
      where.push('action = ?');
      args.push(q.action);
    }
    if (q.staff) {
      where.push('staff_username = ?');
      args.push(q.staff);
    }
    if (q.from) {
      where.push('at >= ?');
      args.push(q.from);
    }
    if (q.to) {
      where.push('at <= ?');
      args.push(q.to);
    }
    return this.db
      .prepare(
        `SELECT audit_id, at, staff_username, device_label AS device, action, subject, what, why FROM audit_log
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_id DESC LIMIT ?`,
      )
      .all(...args, q.limit) as AuditEntry[];
  }
}
