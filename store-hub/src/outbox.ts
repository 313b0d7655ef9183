/**
 * Outbox (spec/store.md §6.1): every event for the cloud is written in the same transaction as
 * the state change it describes; a relay (cloud-sync) publishes and marks it sent. hub_seq is
 * the row's autoincrement key, so it is monotonic per hub and gap-free per commit order.
 */
import type { Db } from './db/database';
import { newId, nowIso } from './ids';

export interface EnvelopeMeta {
  store_id: string;
  device_id: string | null;
  business_date: string;
}

export function writeOutbox(
  db: Db,
  type: string,
  key: string,
  data: unknown,
  meta: EnvelopeMeta,
): { event_id: string; hub_seq: number } {
  const event_id = newId();
  const occurred_at = nowIso();
  const r = db
    .prepare(`INSERT INTO outbox(event_id, type, key, envelope, created_at) VALUES (?, ?, ?, '{}', ?)`)
    .run(event_id, type, key, occurred_at);
  const hub_seq = Number(r.lastInsertRowid);
  const envelope = {
    event_id,
    type,
    version: 1,
    store_id: meta.store_id,
    device_id: meta.device_id,
    occurred_at,
    business_date: meta.business_date,
    hub_seq,
    key,
    data,
  };
  db.prepare(`UPDATE outbox SET envelope = ? WHERE hub_seq = ?`).run(JSON.stringify(envelope), hub_seq);
  return { event_id, hub_seq };
}

export function outboxStatus(db: Db): {
  backlog: number;
  oldest_unsent_at: string | null;
  last_hub_seq: number;
} {
  const r = db
    .prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL`)
    .get() as { n: number; oldest: string | null };
  const last = db.prepare(`SELECT MAX(hub_seq) AS s FROM outbox`).get() as { s: number | null };
  return { backlog: r.n, oldest_unsent_at: r.oldest, last_hub_seq: last.s ?? 0 };
}

export function readOutbox(db: Db, afterSeq: number, limit: number): unknown[] {
  return (
    db
      .prepare(`SELECT envelope FROM outbox WHERE hub_seq > ? ORDER BY hub_seq LIMIT ?`)
      .all(afterSeq, limit) as { envelope: string }[]
  ).map((r) => JSON.parse(r.envelope) as unknown);
}

/** For the relay (cloud-sync): marks events delivered; attempts and the last error otherwise. */
export function markOutboxSent(db: Db, hubSeqs: readonly number[]): void {
  const st = db.prepare(
    `UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE hub_seq = ? AND sent_at IS NULL`,
  );
  const now = nowIso();
  db.transaction(() => {
    for (const s of hubSeqs) st.run(now, s);
  })();
}

export function markOutboxFailed(db: Db, hubSeq: number, error: string): void {
  db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE hub_seq = ?`).run(
    error.slice(0, 1000),
    hubSeq,
  );
}
