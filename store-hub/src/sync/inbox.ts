/**
 * The inbox (spec/store.md §6.3): consumes the store's own cloud → store stream and applies it.
 *
 * - Every record is decoded with the protocol's registry (envelope, type, version, payload,
 *   store = the topic's store) and its content validated by promo-core before anything is written.
 * - One Kafka batch is applied in ONE SQLite transaction; each record inside it in a savepoint, so
 *   a bad record is rolled back alone and parked, never half-applied.
 * - Each stream has a version; a record whose version is not above the applied one is ignored,
 *   so a redelivery (offsets are committed only after the SQLite commit) changes nothing.
 *   A delta whose base is above the applied version means something was missed: it is refused
 *   and the previous version kept (§9.8), with an alert asking HQ for a snapshot.
 * - A snapshot split into chunks is held until every chunk is in, then applied at once.
 * - After a version is applied, `config.applied` is enqueued in the same transaction; the
 *   replication clock moves, so kiosks are told to pull and baskets re-price on their next touch.
 * - Refused records go to the store's dead-letter topic with their reason, and an `alert` is
 *   enqueued; the partition moves on.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DeadLetterReason, DecodeResult } from '@kassa/cloud-sync/protocol';
import {
  decodeEvent,
  hubConsumerGroup,
  storeDeadLetterTopic,
  storeStreamTopic,
} from '@kassa/cloud-sync/protocol';
import type { StaffUserDoc } from './apply';
import {
  ApplyRejected,
  applyCatalogDelta,
  applyCatalogSnapshot,
  applyPromotionsDelta,
  applyPromotionsSnapshot,
  applyStaffUsers,
  applyStoreConfig,
  applyTaxSnapshot,
} from './apply';
import type { Db } from './db';
import { SYNC_SCHEMA_SQL } from './schema';
import type { Enqueue, SyncLogger } from './types';
import { NOOP_LOGGER } from './types';

export interface InboxOptions {
  db: Db;
  kafka: Kafka;
  storeId: string;
  enqueue: Enqueue;
  /** After a commit that applied something: e.g. mark open baskets stale, wake the relay. */
  onApplied?: (applied: AppliedVersion[]) => void;
  logger?: SyncLogger;
  /** Consumer group (default hub-<store_id>, the one the hub's ACL allows). */
  groupId?: string;
  /** Test knobs: fetch wait and session timeout. */
  maxWaitTimeInMs?: number;
  sessionTimeout?: number;
}

export interface AppliedVersion {
  stream: string;
  version: number;
  type: string;
  event_id: string;
}

export type RecordOutcome =
  | { outcome: 'applied'; applied: AppliedVersion }
  | { outcome: 'ignored' | 'buffered' | 'stored'; detail: string }
  | { outcome: 'dead_letter'; reason: DeadLetterReason };

/** What one record looked like as it came off the topic. */
export interface InboundRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
}

const SNAPSHOT_TYPES: Record<string, string> = {
  'catalog.snapshot': 'catalog',
  'promotions.snapshot': 'promotions',
  'tax.table.snapshot': 'tax',
};

type Data = Record<string, unknown>;

export class Inbox {
  private readonly o: InboxOptions & { logger: SyncLogger };
  private readonly topic: string;
  private readonly dlqTopic: string;
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private lastError: string | null = null;
  private readonly st;

  constructor(opts: InboxOptions) {
    this.o = { logger: NOOP_LOGGER, ...opts };
    this.topic = storeStreamTopic(opts.storeId);
    this.dlqTopic = storeDeadLetterTopic(opts.storeId);
    const db = opts.db;
    // Migration 0005 creates these; IF NOT EXISTS keeps an inbox on an older schema working too.
    db.exec(SYNC_SCHEMA_SQL);
    this.st = {
      seen: db.prepare<[string], { outcome: string }>(`SELECT outcome FROM sync_inbox WHERE inbox_key = ?`),
      record: db.prepare<
        [string, string | null, string | null, number | null, string, string | null, string]
      >(
        `INSERT INTO sync_inbox(inbox_key, type, stream, version, outcome, detail, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      version: db.prepare<[string], { version: number }>(`SELECT version FROM sync_streams WHERE stream = ?`),
      setVersion: db.prepare<[string, number, string, string]>(
        `INSERT INTO sync_streams(stream, version, event_id, applied_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(stream) DO UPDATE SET version = excluded.version, event_id = excluded.event_id, applied_at = excluded.applied_at`,
      ),
      addPart: db.prepare<[string, number, number, number, string, string, string]>(
        `INSERT OR IGNORE INTO sync_snapshot_parts(stream, version, chunk_index, chunk_count, type, event_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      parts: db.prepare<
        [string, number],
        { chunk_index: number; chunk_count: number; data: string; event_id: string }
      >(
        `SELECT chunk_index, chunk_count, data, event_id FROM sync_snapshot_parts WHERE stream = ? AND version = ? ORDER BY chunk_index`,
      ),
      countParts: db.prepare<[string, number], { n: number }>(
        `SELECT COUNT(*) AS n FROM sync_snapshot_parts WHERE stream = ? AND version = ?`,
      ),
      dropParts: db.prepare<[string, number]>(
        `DELETE FROM sync_snapshot_parts WHERE stream = ? AND version <= ?`,
      ),
      addDead: db.prepare<[string, string, string]>(
        `INSERT OR IGNORE INTO sync_dead_letters(inbox_key, record, created_at) VALUES (?, ?, ?)`,
      ),
      unsentDead: db.prepare<[], { id: number; inbox_key: string; record: string }>(
        `SELECT id, inbox_key, record FROM sync_dead_letters WHERE sent_at IS NULL ORDER BY id LIMIT 200`,
      ),
      markDead: db.prepare<[string, number]>(`UPDATE sync_dead_letters SET sent_at = ? WHERE id = ?`),
    };
  }

  /** Applied version per stream (0 when none yet). */
  versions(): Record<string, number> {
    const rows = this.o.db.prepare(`SELECT stream, version FROM sync_streams`).all() as {
      stream: string;
      version: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.stream, r.version]));
  }

  status(): { versions: Record<string, number>; dead_letters_unsent: number; last_error: string | null } {
    const n = this.o.db
      .prepare(`SELECT COUNT(*) AS n FROM sync_dead_letters WHERE sent_at IS NULL`)
      .get() as { n: number };
    return { versions: this.versions(), dead_letters_unsent: n.n, last_error: this.lastError };
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    const consumer = this.o.kafka.consumer({
      groupId: this.o.groupId ?? hubConsumerGroup(this.o.storeId),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.o.maxWaitTimeInMs ?? 1000,
      sessionTimeout: this.o.sessionTimeout ?? 30_000,
      heartbeatInterval: Math.min(3000, Math.floor((this.o.sessionTimeout ?? 30_000) / 3)),
      // Snapshot chunks can be a few MiB; a fetch must be able to carry one whole.
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 15_000 },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.flushDeadLetters().catch((err: unknown) => this.noteError(err));
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    if (c) await c.disconnect().catch(() => undefined);
    const p = this.producer;
    this.producer = null;
    if (p) await p.disconnect().catch(() => undefined);
  }

  private async onBatch({
    batch,
    heartbeat,
    resolveOffset,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const records = batch.messages.map((m: KafkaMessage) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key?.toString() ?? null,
      value: m.value?.toString() ?? null,
    }));
    this.applyBatch(records);
    await heartbeat();
    await this.flushDeadLetters();
    const last = batch.lastOffset();
    resolveOffset(last);
    await this.consumer?.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: String(BigInt(last) + 1n) },
    ]);
  }

  /**
   * Applies records in one SQLite transaction (the functional core of the inbox; the Kafka
   * loop above only feeds it). Returns what happened to each record.
   */
  applyBatch(records: InboundRecord[]): RecordOutcome[] {
    const applied: AppliedVersion[] = [];
    const outcomes = this.o.db.transaction(() =>
      records.map((r) => {
        const out = this.applyRecord(r);
        if (out.outcome === 'applied') applied.push(out.applied);
        return out;
      }),
    )();
    if (applied.length > 0) {
      this.o.logger.info({ applied }, 'sync: cloud data applied');
      try {
        this.o.onApplied?.(applied);
      } catch (err) {
        this.o.logger.warn({ err: String(err) }, 'sync: onApplied hook failed');
      }
    }
    return outcomes;
  }

  private applyRecord(r: InboundRecord): RecordOutcome {
    const decoded = decodeEvent(r.value ?? '', { direction: 'cloud_to_store', topic: r.topic });
    const eventId = decoded.ok ? decoded.event.event_id : decoded.envelope?.event_id;
    const key = eventId ? `event:${eventId}` : `offset:${r.topic}:${r.partition}:${r.offset}`;
    if (this.st.seen.get(key)) return { outcome: 'ignored', detail: 'already handled' };
    const now = new Date().toISOString();
    if (!decoded.ok) return this.deadLetter(key, r, decoded, decoded.reason, now);
    const { event, definition } = decoded;
    const stream = definition.stream ?? null;
    const data = event.data as Data;
    const version = typeof data.stream_version === 'number' ? data.stream_version : null;
    try {
      const out = this.o.db.transaction((): RecordOutcome => {
        if (stream === null || version === null) {
          // Commands, notifications and the like: kept for the modules that act on them.
          return { outcome: 'stored', detail: `${event.type} recorded, no stream to apply` };
        }
        const current = this.st.version.get(stream)?.version ?? 0;
        if (version <= current)
          return { outcome: 'ignored', detail: `version ${version} ≤ applied ${current}` };
        if (typeof data.base_version === 'number' && data.base_version > current)
          throw new ApplyRejected(
            'VERSION_GAP',
            `${event.type} ${version} builds on version ${data.base_version}, this hub has ${current}`,
          );
        const chunk = data.chunk as { index: number; count: number } | undefined;
        let payload = data;
        let lastEventId = event.event_id;
        if (SNAPSHOT_TYPES[event.type] && chunk && chunk.count > 1) {
          this.st.addPart.run(
            stream,
            version,
            chunk.index,
            chunk.count,
            event.type,
            event.event_id,
            JSON.stringify(data),
          );
          // Count first: reading every stored chunk on every arrival would be quadratic.
          const have = this.st.countParts.get(stream, version)?.n ?? 0;
          if (have < chunk.count)
            return {
              outcome: 'buffered',
              detail: `chunk ${chunk.index + 1} of ${chunk.count} of ${stream} ${version}`,
            };
          const parts = this.st.parts.all(stream, version);
          payload = mergeChunks(
            event.type,
            parts.map((p) => JSON.parse(p.data) as Data),
          );
          lastEventId = event.event_id;
        }
        this.applyDocument(event.type, payload);
        this.st.dropParts.run(stream, version);
        this.st.setVersion.run(stream, version, lastEventId, now);
        this.o.enqueue({
          type: 'config.applied',
          key: this.o.storeId,
          device_id: null,
          data: { stream, version, event_id: lastEventId },
        });
        return { outcome: 'applied', applied: { stream, version, type: event.type, event_id: lastEventId } };
      })();
      const detail =
        out.outcome === 'applied' ? null : out.outcome === 'dead_letter' ? out.reason.message : out.detail;
      this.st.record.run(key, event.type, stream, version, out.outcome, detail, now);
      return out;
    } catch (err) {
      const reason: DeadLetterReason =
        err instanceof ApplyRejected
          ? {
              code: 'INVALID_PAYLOAD',
              message: err.message,
              details: {
                kind: err.code,
                type: event.type,
                version: event.version,
                stream,
                stream_version: version,
                issues: err.issues,
              },
            }
          : {
              code: 'INVALID_PAYLOAD',
              message: `could not apply ${event.type}: ${err instanceof Error ? err.message : String(err)}`,
              details: { type: event.type, stream, stream_version: version },
            };
      return this.deadLetter(key, r, decoded, reason, now);
    }
  }

  private applyDocument(type: string, d: Data): void {
    const db = this.o.db;
    switch (type) {
      case 'catalog.snapshot':
        applyCatalogSnapshot(db, {
          items: d.items as unknown[],
          categories: (d.categories as unknown[]) ?? [],
        });
        return;
      case 'catalog.delta':
        applyCatalogDelta(db, {
          upserts: d.upserts as unknown[],
          deletes: (d.deletes as string[]) ?? [],
          categories: (d.categories as unknown[]) ?? [],
        });
        return;
      case 'promotions.snapshot':
        applyPromotionsSnapshot(db, { promotions: d.promotions as unknown[] });
        return;
      case 'promotions.delta':
        applyPromotionsDelta(db, { upserts: d.upserts as unknown[], deletes: (d.deletes as string[]) ?? [] });
        return;
      case 'tax.table.snapshot':
        applyTaxSnapshot(db, { tax_table: d.tax_table as unknown[] });
        return;
      case 'store.config':
        applyStoreConfig(db, this.o.storeId, {
          config: d.config as Data,
          config_version: d.config_version as number,
        });
        return;
      case 'staff.users':
        applyStaffUsers(db, { users: d.users as StaffUserDoc[] });
        return;
      default:
        // A versioned stream the hub has no tables for yet (price.staged, blocklist, coupons):
        // its version is recorded so HQ sees it arrived; the document stays in the inbox log.
        return;
    }
  }

  private deadLetter(
    key: string,
    r: InboundRecord,
    decoded: DecodeResult,
    reason: DeadLetterReason,
    now: string,
  ): RecordOutcome {
    const env = decoded.ok ? decoded.event : decoded.envelope;
    const record = {
      reason,
      store_id: this.o.storeId,
      source: { topic: r.topic, partition: r.partition, offset: r.offset, key: r.key },
      envelope: env ? { ...env, data: undefined } : null,
      value: r.value,
      dead_lettered_at: now,
    };
    this.st.addDead.run(key, JSON.stringify(record), now);
    this.st.record.run(key, env?.type ?? null, null, null, 'dead_letter', reason.message.slice(0, 500), now);
    this.o.enqueue({
      type: 'alert',
      key: this.o.storeId,
      device_id: null,
      data: {
        code: 'INBOX_DEAD_LETTER',
        severity: 'warning',
        message: `a cloud message was refused and parked: ${reason.message}`.slice(0, 1000),
        context: {
          reason: reason.code,
          // VERSION_GAP asks HQ for a snapshot; INVALID_CONTENT lists the rows promo-core refused.
          kind: typeof reason.details.kind === 'string' ? reason.details.kind : null,
          type: env?.type ?? null,
          event_id: env?.event_id ?? null,
          offset: r.offset,
        },
      },
    });
    this.o.logger.warn({ reason, offset: r.offset }, 'sync: inbound record dead-lettered');
    return { outcome: 'dead_letter', reason };
  }

  /** Sends parked records to the dead-letter topic; they stay parked until the broker has them. */
  async flushDeadLetters(): Promise<number> {
    let sent = 0;
    for (;;) {
      const rows = this.st.unsentDead.all();
      if (rows.length === 0) return sent;
      if (!this.producer) {
        const p = this.o.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
        });
        await p.connect();
        this.producer = p;
      }
      await this.producer.send({
        topic: this.dlqTopic,
        acks: -1,
        messages: rows.map((row) => ({ key: row.inbox_key, value: row.record })),
      });
      const at = new Date().toISOString();
      this.o.db.transaction(() => {
        for (const row of rows) this.st.markDead.run(at, row.id);
      })();
      sent += rows.length;
    }
  }

  private noteError(err: unknown): void {
    this.lastError = err instanceof Error ? err.message : String(err);
    this.o.logger.warn({ err: this.lastError }, 'sync: inbox error');
  }
}

/** The chunks of one snapshot as one document: list fields concatenated in chunk order. */
function mergeChunks(type: string, parts: Data[]): Data {
  const lists: Record<string, string[]> = {
    'catalog.snapshot': ['items', 'categories'],
    'promotions.snapshot': ['promotions'],
    'tax.table.snapshot': ['tax_table'],
  };
  const out: Data = { ...parts[parts.length - 1] };
  for (const field of lists[type] ?? [])
    out[field] = parts.flatMap((p) => (Array.isArray(p[field]) ? (p[field] as unknown[]) : []));
  return out;
}
