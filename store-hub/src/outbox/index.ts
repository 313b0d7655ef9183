/**
 * Outbox (spec/store.md §6.1): every event for the cloud is written in the SAME transaction as
 * the state change it describes, through `enqueueOutbox` — the one place an envelope is built.
 * hub_seq is the row's autoincrement key: monotonic per hub, in commit order.
 *
 * For the relay (src/sync/, cloud-sync): `readOutbox(db, afterSeq, limit)` (or `unsentOutbox`)
 * gives envelopes in hub_seq order; `markOutboxSent` / `markOutboxFailed` record delivery.
 * `order.completed` is unique per order (partial unique index), so a retried completion can
 * never publish twice.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../platform/db/database';
import { newId, nowIso } from '../platform/ids';
import type { StoreConfig } from '../modules/catalog/store-config';
import { businessDate } from '../modules/catalog/store-config';
import type { KnownOutboxEventType, OutboxEnvelope } from './schemas';

export type { OutboxEnvelope } from './schemas';
export { OUTBOX_EVENT_TYPES, outboxEnvelopeSchema } from './schemas';

export interface OutboxEvent {
  /** A known type, or a new module's own (e.g. 'refund.completed'). */
  type: KnownOutboxEventType | (string & {});
  /** Partition key: the order id, or the store id for store-wide events. */
  key: string;
  device_id: string | null;
  data: unknown;
}

const statements = new WeakMap<Db, { insert: Statement; envelope: Statement }>();

/**
 * Writes one event inside the caller's transaction (refuses to run outside one: an event must
 * commit or roll back with its state change).
 */
export function enqueueOutbox(
  db: Db,
  store: Pick<StoreConfig, 'store_id' | 'timezone' | 'business_day_offset_minutes'>,
  event: OutboxEvent,
  at: Date = new Date(),
): { event_id: string; hub_seq: number } {
  if (!db.inTransaction) throw new Error('enqueueOutbox must run inside the state change’s transaction');
  let st = statements.get(db);
  if (!st) {
    st = {
      insert: db.prepare(
        `INSERT INTO outbox(event_id, type, key, envelope, created_at) VALUES (?, ?, ?, '{}', ?)`,
      ),
      envelope: db.prepare(`UPDATE outbox SET envelope = ? WHERE hub_seq = ?`),
    };
    statements.set(db, st);
  }
  const event_id = newId();
  const occurred_at = at.toISOString();
  const hub_seq = Number(st.insert.run(event_id, event.type, event.key, occurred_at).lastInsertRowid);
  const envelope: OutboxEnvelope = {
    event_id,
    type: event.type,
    version: 1,
    store_id: store.store_id,
    device_id: event.device_id,
    occurred_at,
    business_date: businessDate(at, store),
    hub_seq,
    key: event.key,
    data: event.data,
  };
  st.envelope.run(JSON.stringify(envelope), hub_seq);
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

export function readOutbox(db: Db, afterSeq: number, limit: number): OutboxEnvelope[] {
  return (
    db
      .prepare(`SELECT envelope FROM outbox WHERE hub_seq > ? ORDER BY hub_seq LIMIT ?`)
      .all(afterSeq, limit) as {
      envelope: string;
    }[]
  ).map((r) => JSON.parse(r.envelope) as OutboxEnvelope);
}

/** Unsent envelopes in hub_seq order (what a relay publishes next). */
export function unsentOutbox(db: Db, limit: number): OutboxEnvelope[] {
  return (
    db.prepare(`SELECT envelope FROM outbox WHERE sent_at IS NULL ORDER BY hub_seq LIMIT ?`).all(limit) as {
      envelope: string;
    }[]
  ).map((r) => JSON.parse(r.envelope) as OutboxEnvelope);
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
