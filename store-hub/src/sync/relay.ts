/**
 * The outbox relay (spec/store.md §6.1): publishes the hub's outbox, in hub_seq order, to the
 * store's event topic with kafkajs's idempotent producer (acks = all) and marks an event sent
 * only once the broker has acknowledged it. Delivery is at-least-once: a crash between the ack
 * and the mark re-sends those events, and HQ drops the repeats by event_id.
 *
 * It never slows a sale: a checkout only INSERTs into the outbox (in its own transaction); the
 * relay reads and marks in short transactions of its own on a timer, and while the broker is
 * unreachable it backs off exponentially instead of spinning. The outbox has no size limit;
 * `status()` reports the backlog and the oldest unsent event's age, and an `alert` event is
 * enqueued once the age passes the configured threshold (default 1 h).
 */
import type { Statement } from 'better-sqlite3';
import type { Kafka, Producer } from 'kafkajs';
import { storeEventsTopic } from '@kassa/cloud-sync/protocol';
import type { Db } from './db';
import type { Enqueue, SyncLogger } from './types';
import { NOOP_LOGGER } from './types';

export interface RelayOptions {
  db: Db;
  kafka: Kafka;
  storeId: string;
  /** Writes one event to the outbox inside the caller's transaction (the hub's enqueue API). */
  enqueue: Enqueue;
  /** Most events per produce request (default 500). */
  batchSize?: number;
  /** Most bytes of envelopes per produce request, below the broker's message.max.bytes (900 KiB). */
  batchBytes?: number;
  /** How often an idle relay looks for new rows when nobody calls notify() (default 250 ms). */
  idlePollMs?: number;
  /** Back-off while the broker is unreachable: first and longest wait (default 250 ms, 15 s). */
  backoffMs?: { initial: number; max: number };
  /** Age of the oldest unsent event that raises the backlog alert (default 1 h, §6.1). */
  alertAfterMs?: number;
  logger?: SyncLogger;
  now?: () => number;
}

export interface RelayStatus {
  backlog: number;
  oldest_unsent_at: string | null;
  oldest_unsent_age_ms: number | null;
  last_hub_seq: number;
  last_sent_hub_seq: number | null;
  last_sent_at: string | null;
  /** The broker answered the last attempt. */
  connected: boolean;
  consecutive_failures: number;
  last_error: string | null;
  alert: { code: 'OUTBOX_BACKLOG'; oldest_unsent_age_ms: number; threshold_ms: number } | null;
}

interface Row {
  hub_seq: number;
  key: string;
  envelope: string;
}

const ALERT_META_KEY = 'sync.backlog_alert_raised';

export class OutboxRelay {
  private readonly o: Required<Omit<RelayOptions, 'logger' | 'now'>> & {
    logger: SyncLogger;
    now: () => number;
  };
  private producer: Producer | null = null;
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private connected = false;
  private failures = 0;
  private lastError: string | null = null;
  private lastSentSeq: number | null = null;
  private lastSentAt: string | null = null;
  private lastAlertCheck = 0;
  private readonly topic: string;
  private readonly st: {
    unsent: Statement<[number]>;
    mark: Statement<[string, number, number]>;
    status: Statement<[]>;
    last: Statement<[]>;
    fail: Statement<[string, number, number]>;
  };

  constructor(opts: RelayOptions) {
    this.o = {
      batchSize: 500,
      batchBytes: 900 * 1024,
      idlePollMs: 250,
      backoffMs: { initial: 250, max: 15_000 },
      alertAfterMs: 3600_000,
      logger: NOOP_LOGGER,
      now: Date.now,
      ...opts,
    };
    this.topic = storeEventsTopic(opts.storeId);
    const db = opts.db;
    this.st = {
      unsent: db.prepare(
        `SELECT hub_seq, key, envelope FROM outbox WHERE sent_at IS NULL ORDER BY hub_seq LIMIT ?`,
      ),
      // A contiguous hub_seq range: rows are read and sent in order, so a batch is one range.
      mark: db.prepare(
        `UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL
          WHERE hub_seq BETWEEN ? AND ? AND sent_at IS NULL`,
      ),
      status: db.prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL`),
      last: db.prepare(`SELECT MAX(hub_seq) AS s FROM outbox`),
      fail: db.prepare(
        `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE hub_seq BETWEEN ? AND ? AND sent_at IS NULL`,
      ),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a commit that wrote to the outbox: publish now instead of at the next poll. */
  notify(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.disconnect();
  }

  status(): RelayStatus {
    const s = this.st.status.get() as { n: number; oldest: string | null };
    const last = this.st.last.get() as { s: number | null };
    const age = s.oldest === null ? null : Math.max(0, this.o.now() - Date.parse(s.oldest));
    return {
      backlog: s.n,
      oldest_unsent_at: s.oldest,
      oldest_unsent_age_ms: age,
      last_hub_seq: last.s ?? 0,
      last_sent_hub_seq: this.lastSentSeq,
      last_sent_at: this.lastSentAt,
      connected: this.connected,
      consecutive_failures: this.failures,
      last_error: this.lastError,
      alert:
        age !== null && age >= this.o.alertAfterMs
          ? { code: 'OUTBOX_BACKLOG', oldest_unsent_age_ms: age, threshold_ms: this.o.alertAfterMs }
          : null,
    };
  }

  /** One pass: publish everything unsent (batch by batch). Resolves with the number sent. */
  async drainOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      const rows = this.nextBatch();
      if (rows.length === 0) return sent;
      await this.publish(rows);
      sent += rows.length;
    }
  }

  private nextBatch(): Row[] {
    const rows = this.st.unsent.all(this.o.batchSize) as Row[];
    let bytes = 0;
    for (let i = 0; i < rows.length; i++) {
      bytes += rows[i]!.envelope.length + rows[i]!.key.length + 64;
      if (bytes > this.o.batchBytes && i > 0) return rows.slice(0, i);
    }
    return rows;
  }

  private async publish(rows: Row[]): Promise<void> {
    const producer = await this.connect();
    const first = rows[0]!.hub_seq;
    const last = rows[rows.length - 1]!.hub_seq;
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: rows.map((r) => ({ key: r.key, value: r.envelope })),
    });
    // Acknowledged by every in-sync replica: only now is the range sent.
    const at = new Date(this.o.now()).toISOString();
    this.markSent(at, first, last);
    this.lastSentSeq = last;
    this.lastSentAt = at;
    this.connected = true;
    this.failures = 0;
    this.lastError = null;
  }

  /**
   * The mark need not be durable: lost in a power cut, it only makes the relay send those events
   * again, and HQ drops repeats by event_id. So its commit skips the fsync (synchronous=NORMAL in
   * WAL mode) that every sale's commit pays; nothing else can run between the two pragmas.
   */
  private markSent(at: string, first: number, last: number): void {
    const db = this.o.db;
    const before = db.pragma('synchronous', { simple: true }) as number;
    if (db.inTransaction || before <= 1) {
      db.transaction(() => this.st.mark.run(at, first, last))();
      return;
    }
    db.pragma('synchronous = NORMAL');
    try {
      db.transaction(() => this.st.mark.run(at, first, last))();
    } finally {
      db.pragma(`synchronous = ${before}`);
    }
  }

  private async connect(): Promise<Producer> {
    if (this.producer) return this.producer;
    const p = this.o.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Bounded so that a send fails while the broker is down and the relay's own back-off (and
      // status) take over; a retry of the same producer keeps its sequence numbers, so the broker
      // drops a batch it already has.
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3000 },
    });
    try {
      await p.connect();
    } catch (err) {
      await p.disconnect().catch(() => undefined);
      throw err;
    }
    this.producer = p;
    return p;
  }

  private async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    if (p) await p.disconnect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let wait = this.o.idlePollMs;
      try {
        await this.drainOnce();
      } catch (err) {
        this.failures++;
        this.connected = false;
        this.lastError = err instanceof Error ? err.message : String(err);
        this.recordFailure(this.lastError);
        this.o.logger.warn(
          { err: this.lastError, failures: this.failures },
          'sync: publish failed; backing off',
        );
        // After repeated failures start over with a fresh producer (new connections and
        // producer id); its duplicates, if any, are dropped by event_id at HQ.
        if (this.failures % 3 === 0) await this.disconnect();
        const { initial, max } = this.o.backoffMs;
        const base = Math.min(max, initial * 2 ** Math.min(this.failures - 1, 16));
        wait = base / 2 + Math.random() * (base / 2);
      }
      try {
        // The backlog count scans the unsent rows: not on every poll (a week offline is a big
        // backlog, and this runs on the event loop that serves the kiosks).
        if (this.o.now() - this.lastAlertCheck >= 5000) {
          this.lastAlertCheck = this.o.now();
          this.checkAlert();
        }
      } catch (err) {
        this.o.logger.warn({ err: String(err) }, 'sync: could not record the backlog alert');
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private recordFailure(message: string): void {
    const rows = this.st.unsent.all(1) as Row[];
    const head = rows[0];
    if (!head) return;
    try {
      this.st.fail.run(message.slice(0, 500), head.hub_seq, head.hub_seq);
    } catch {
      // A busy database must not stop the back-off; the next attempt records it.
    }
  }

  /** Enqueues one `alert` per backlog episode; the flag clears once the backlog is young again. */
  private checkAlert(): void {
    const s = this.status();
    const raised = this.o.db.prepare(`SELECT value FROM meta WHERE key = ?`).get(ALERT_META_KEY) as
      { value: string } | undefined;
    if (s.alert && !raised) {
      this.o.db.transaction(() => {
        this.o.enqueue({
          type: 'alert',
          key: this.o.storeId,
          device_id: null,
          data: {
            code: 'OUTBOX_BACKLOG',
            severity: 'warning',
            message: `the oldest unsent event is ${Math.round(s.alert!.oldest_unsent_age_ms / 60000)} min old`,
            context: {
              backlog: s.backlog,
              oldest_unsent_at: s.oldest_unsent_at,
              threshold_ms: this.o.alertAfterMs,
            },
          },
        });
        this.o.db
          .prepare(
            `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
          )
          .run(ALERT_META_KEY, new Date(this.o.now()).toISOString());
      })();
      this.o.logger.warn({ backlog: s.backlog, oldest: s.oldest_unsent_at }, 'sync: outbox backlog alert');
    } else if (!s.alert && raised) {
      this.o.db.prepare(`DELETE FROM meta WHERE key = ?`).run(ALERT_META_KEY);
    }
  }
}
