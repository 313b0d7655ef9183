/** The audit log of publishing and account actions: append-only, who did what to which stores. */
import type { Request } from 'express';
import type { DashDb } from './schema';
import type { SessionUser } from './sessions';

export interface AuditEntry {
  action: string;
  outcome: 'ok' | 'rejected' | 'denied' | 'failed';
  target: Record<string, unknown>;
  details?: Record<string, unknown>;
}

export async function writeAudit(db: DashDb, who: SessionUser | null, e: AuditEntry): Promise<void> {
  await db
    .insertInto('hq_audit_log')
    .values({
      user_id: who?.user_id ?? null,
      username: who?.username ?? '(anonymous)',
      role: who?.role ?? '',
      action: e.action,
      outcome: e.outcome,
      target: JSON.stringify(e.target),
      details: JSON.stringify(e.details ?? {}),
    })
    .execute();
}

export const auditFromRequest = (db: DashDb, req: Request, e: AuditEntry): Promise<void> =>
  writeAudit(db, (req as Request & { hqUser?: SessionUser }).hqUser ?? null, e);

export async function readAudit(db: DashDb, limit = 200) {
  const rows = await db
    .selectFrom('hq_audit_log')
    .select(['id', 'at', 'username', 'role', 'action', 'outcome', 'target', 'details'])
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(limit, 1), 1000))
    .execute();
  return rows.map((r) => ({ ...r, id: String(r.id), at: new Date(r.at).toISOString() }));
}
