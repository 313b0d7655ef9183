/**
 * HQ's consumers: one kafkajs consumer group (`hq-consumers`) over every store's event topic,
 * so HQ scales out by starting more processes. Each batch is written in one transaction,
 * idempotently; records that cannot be applied go to the dead letters and the partition moves
 * on. While the database is unreachable the batch is retried (with heartbeats) and offsets are
 * not committed, so nothing is skipped; at-least-once delivery + event_id idempotency = every
 * event exactly once in the database.
 */
import type { Consumer, KafkaConfig, Producer } from 'kafkajs';
import kafkajs from 'kafkajs';
import type { HqDb } from '../db';
import { sendDeadLetters } from '../dead-letters';
import type { IncomingRecord, IngestOutcome } from '../ingest';
import { ingestBatch, isTransientDbError } from '../ingest';
import { STORE_EVENTS_TOPIC_PATTERN } from '../protocol';

const { Kafka, logLevel } = kafkajs;

export const HQ_CONSUMER_GROUP = 'hq-consumers';

export interface ConsumerOptions {
  kafka: KafkaConfig;
  db: HqDb;
  groupId?: string;
  /** Explicit topics, or (default) every existing `kassa.store-events.*` topic, re-checked periodically. */
  topics?: string[];
  /** How often to look for new store topics (ms; default 30 s). */
  topicRefreshMs?: number;
  /** Records per database transaction (default 500). */
  chunk?: number;
  log?: (msg: string, ctx?: Record<string, unknown>) => void;
  /** Group session (default 30 s) and heartbeat (3 s): fault tests shorten them. */
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** Test hook: after each applied chunk. */
  onChunk?: (outcomes: IngestOutcome[]) => void;
}

export class HqConsumer {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private topics: string[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopping = false;
  private restarting: Promise<void> | null = null;
  readonly stats = { applied: 0, duplicates: 0, deadLetters: 0, retries: 0 };

  constructor(private readonly o: ConsumerOptions) {}

  private get log() {
    return this.o.log ?? (() => undefined);
  }

  /**
   * Starts consuming. A broker that is not reachable yet (HQ started before it, or it is
   * restarting) is waited for with back-off rather than being fatal; only stop() ends the wait.
   */
  async start(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.startOnce();
        return;
      } catch (err) {
        if (this.stopping) throw err;
        const waitMs = Math.min(10_000, 300 * 2 ** Math.min(attempt, 6));
        this.log('kafka not reachable; retrying', { error: String(err), retry_in_ms: waitMs });
        await this.consumer?.disconnect().catch(() => undefined);
        await this.producer?.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        if (this.stopping) throw err;
      }
    }
  }

  private async startOnce(): Promise<void> {
    const kafka = new Kafka({ logLevel: logLevel.NOTHING, ...this.o.kafka });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.topics = await this.discover(kafka);
    await this.run(kafka);
    if (!this.o.topics) {
      this.timer = setInterval(() => {
        void this.refresh(kafka).catch((err: unknown) =>
          this.log('topic refresh failed', { error: String(err) }),
        );
      }, this.o.topicRefreshMs ?? 30_000);
      this.timer.unref?.();
    }
  }

  private async discover(kafka: kafkajs.Kafka): Promise<string[]> {
    if (this.o.topics) return [...this.o.topics];
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).filter((t) => STORE_EVENTS_TOPIC_PATTERN.test(t)).sort();
    } finally {
      await admin.disconnect();
    }
  }

  /** kafkajs subscribes to topics that exist at subscribe time: re-subscribe when stores appear. */
  private async refresh(kafka: kafkajs.Kafka): Promise<void> {
    if (this.stopping || this.restarting) return;
    const now = await this.discover(kafka);
    if (now.join() === this.topics.join()) return;
    this.log('new store topics; re-subscribing', { topics: now.length });
    this.restarting = (async () => {
      await this.consumer?.disconnect();
      this.topics = now;
      if (!this.stopping) await this.run(kafka);
    })().finally(() => (this.restarting = null));
    await this.restarting;
  }

  private async run(kafka: kafkajs.Kafka): Promise<void> {
    const consumer = kafka.consumer({
      groupId: this.o.groupId ?? HQ_CONSUMER_GROUP,
      sessionTimeout: this.o.sessionTimeout ?? 30_000,
      heartbeatInterval: this.o.heartbeatInterval ?? 3_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.consumer = consumer;
    await consumer.connect();
    if (this.topics.length === 0) {
      this.log('no store topics yet');
      return;
    }
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    const chunk = this.o.chunk ?? 500;
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        const all: IncomingRecord[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString('utf8') : null,
          value: m.value ? m.value.toString('utf8') : null,
        }));
        for (let i = 0; i < all.length; i += chunk) {
          if (!isRunning() || isStale()) return;
          const part = all.slice(i, i + chunk);
          const outcomes = await this.withDbRetry(() => this.process(part), heartbeat, isRunning);
          if (!outcomes) return;
          resolveOffset(part[part.length - 1]!.offset);
          await heartbeat();
          await commitOffsetsIfNecessary();
          this.o.onChunk?.(outcomes);
        }
      },
    });
  }

  private async process(part: IncomingRecord[]): Promise<IngestOutcome[]> {
    const outcomes = await ingestBatch(this.o.db, part);
    const letters = outcomes.flatMap((o, j) =>
      o.status === 'dead_letter'
        ? [{ rec: part[j]!, reason: o.reason, store_id: o.store_id, event_id: o.event_id }]
        : [],
    );
    await sendDeadLetters(this.o.db, this.producer, letters);
    for (const o of outcomes) {
      if (o.status === 'applied') this.stats.applied++;
      else if (o.status === 'duplicate') this.stats.duplicates++;
      else this.stats.deadLetters++;
    }
    for (const l of letters)
      this.log('dead letter', { code: l.reason.code, topic: l.rec.topic, offset: l.rec.offset });
    return outcomes;
  }

  /** Retries while the database (or the dead-letter topic) is unreachable; null when stopping. */
  private async withDbRetry<T>(
    fn: () => Promise<T>,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<T | null> {
    let wait = 200;
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        const transient = isTransientDbError(err) || (err as { name?: string }).name?.startsWith('Kafka');
        if (!transient) throw err;
        this.stats.retries++;
        this.log('store unavailable; retrying the batch', { error: String(err).slice(0, 200), wait });
        if (!isRunning() || this.stopping) return null;
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 5_000);
        await heartbeat().catch(() => undefined);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.restarting?.catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }
}
