/**
 * Dead letters: a record HQ cannot apply goes to the dead-letter topic (for operators and
 * alerting) and to the `dead_letters` table (what the replay command works from), with its
 * reason, and the consumer moves on. Replaying after a fix runs each unresolved letter through
 * the normal ingestion again; ingestion is idempotent, so replaying twice is harmless.
 */
import type { Producer } from 'kafkajs';
import { sql } from 'kysely';
import type { HqDb } from '../db';
import { int8, iso } from '../db';
import type { HqDeadLetterReason, IncomingRecord } from '../ingest';
import { ingestBatch } from '../ingest';
import { HQ_DEAD_LETTER_TOPIC } from '../protocol';

export interface DeadLetter {
  rec: IncomingRecord;
  reason: HqDeadLetterReason;
  store_id?: string | undefined;
  event_id?: string | undefined;
}

/** The dead-letter record's value: the reason, where it came from, and the original bytes as text. */
export function deadLetterValue(d: DeadLetter, at = new Date().toISOString()): string {
  return JSON.stringify({
    reason: d.reason,
    source: { topic: d.rec.topic, partition: d.rec.partition, offset: d.rec.offset, key: d.rec.key },
    store_id: d.store_id ?? null,
    event_id: d.event_id ?? null,
    dead_lettered_at: at,
    value: d.rec.value,
  });
}

/** Publishes (acks from all in-sync replicas) and then records; both are idempotent on retry. */
export async function sendDeadLetters(
  db: HqDb,
  producer: Producer | null,
  letters: readonly DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  if (producer)
    await producer.send({
      topic: HQ_DEAD_LETTER_TOPIC,
      acks: -1,
      messages: letters.map((d) => ({
        key: d.rec.key,
        value: deadLetterValue(d),
        headers: { 'kassa-reason': d.reason.code, 'kassa-source-topic': d.rec.topic },
      })),
    });
  await db
    .insertInto('dead_letters')
    .values(
      letters.map((d) => ({
        topic: d.rec.topic,
        partition: d.rec.partition,
        offset: d.rec.offset,
        record_key: d.rec.key,
        value: d.rec.value ?? '',
        code: d.reason.code,
        reason: JSON.stringify(d.reason),
        store_id: d.store_id ?? null,
        event_id: d.event_id ?? null,
        resolved_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['topic', 'partition', 'offset']).doNothing())
    .execute();
}

export interface ReplayReport {
  tried: number;
  resolved: number;
  still_failing: { id: string; code: string; message: string }[];
}

/** Runs every unresolved dead letter (optionally of one store or some ids) through ingestion again. */
export async function replayDeadLetters(
  db: HqDb,
  opts: { storeId?: string; ids?: readonly string[]; limit?: number } = {},
): Promise<ReplayReport> {
  const rows = await db
    .selectFrom('dead_letters')
    .selectAll()
    .where('resolved_at', 'is', null)
    .$if(opts.storeId !== undefined, (q) => q.where('store_id', '=', opts.storeId!))
    .$if(opts.ids !== undefined, (q) =>
      q.where(sql<string>`id::text`, 'in', opts.ids!.length ? [...opts.ids!] : ['']),
    )
    .orderBy('id')
    .limit(opts.limit ?? 10_000)
    .execute();
  const report: ReplayReport = { tried: rows.length, resolved: 0, still_failing: [] };
  for (const r of rows) {
    const [out] = await ingestBatch(db, [
      { topic: r.topic, partition: r.partition, offset: String(r.offset), key: r.record_key, value: r.value },
    ]);
    if (out && out.status !== 'dead_letter') {
      await db
        .updateTable('dead_letters')
        .set({ resolved_at: new Date().toISOString() })
        .where('id', '=', r.id)
        .execute();
      report.resolved++;
    } else {
      const reason =
        out?.status === 'dead_letter' ? out.reason : { code: 'APPLY_FAILED', message: '?', details: {} };
      await db
        .updateTable('dead_letters')
        .set({
          replay_attempts: sql<number>`replay_attempts + 1`,
          last_replay_reason: JSON.stringify(reason),
        })
        .where('id', '=', r.id)
        .execute();
      report.still_failing.push({ id: String(r.id), code: reason.code, message: reason.message });
    }
  }
  return report;
}

export async function listDeadLetters(db: HqDb, opts: { unresolvedOnly?: boolean; limit?: number } = {}) {
  const rows = await db
    .selectFrom('dead_letters')
    .select([
      'id',
      'topic',
      'partition',
      'offset',
      'code',
      'reason',
      'store_id',
      'event_id',
      'created_at',
      'replay_attempts',
      'resolved_at',
    ])
    .$if(opts.unresolvedOnly === true, (q) => q.where('resolved_at', 'is', null))
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 100)
    .execute();
  return rows.map((r) => ({
    ...r,
    id: String(r.id),
    offset: String(int8(r.offset)),
    created_at: iso(r.created_at),
    resolved_at: iso(r.resolved_at),
  }));
}
