/**
 * Delivers HQ's outbox to the stores' streams in order, marking rows sent only after the broker
 * acknowledged them (acks from all in-sync replicas, idempotent producer). While the broker is
 * down it backs off and retries; a row sent twice after a crash is harmless (the hub ignores a
 * stream version it has applied, and the event_id is the same).
 */
import type { KafkaConfig, Producer } from 'kafkajs';
import kafkajs from 'kafkajs';
import type { HqDb } from '../db';
import { int8 } from '../db';

const { Kafka, logLevel } = kafkajs;

export class OutboxSender {
  private producer: Producer | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  readonly stats = { sent: 0, failures: 0 };

  constructor(
    private readonly o: {
      kafka: KafkaConfig;
      db: HqDb;
      idleMs?: number;
      batch?: number;
      log?: (m: string, c?: object) => void;
    },
  ) {}

  async start(): Promise<void> {
    this.producer = new Kafka({ logLevel: logLevel.NOTHING, ...this.o.kafka }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    this.running = true;
    this.loop = this.run();
  }

  /** Sends everything unsent, then disconnects (the CLI's publish). */
  async drain(): Promise<number> {
    const producer = new Kafka({ logLevel: logLevel.NOTHING, ...this.o.kafka }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    this.producer = producer;
    await producer.connect();
    let total = 0;
    try {
      for (let n = await this.sendOnce(); n > 0; n = await this.sendOnce()) total += n;
    } finally {
      await producer.disconnect();
    }
    return total;
  }

  /** Sends now instead of at the next poll (after a publication). */
  poke(): void {
    this.wake?.();
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((r) => {
      this.wake = r;
      this.timer = setTimeout(r, ms);
    });
    if (this.timer) clearTimeout(this.timer);
    this.wake = null;
  }

  private async run(): Promise<void> {
    let backoff = 250;
    let connected = false;
    while (this.running) {
      try {
        if (!connected) {
          await this.producer!.connect();
          connected = true;
        }
        const n = await this.sendOnce();
        backoff = 250;
        if (n === 0) await this.sleep(this.o.idleMs ?? 500);
      } catch (err) {
        this.stats.failures++;
        this.o.log?.('outbox send failed; retrying', { error: String(err).slice(0, 200), backoff });
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  /** One batch of unsent rows, oldest first; the number sent. */
  async sendOnce(): Promise<number> {
    const rows = await this.o.db
      .selectFrom('hq_outbox')
      .select(['seq', 'topic', 'record_key', 'value'])
      .where('sent_at', 'is', null)
      .orderBy('seq')
      .limit(this.o.batch ?? 200)
      .execute();
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const r of rows)
      byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), { key: r.record_key, value: r.value }]);
    try {
      await this.producer!.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (err) {
      await this.o.db
        .updateTable('hq_outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: String(err).slice(0, 500) }))
        .where(
          'seq',
          'in',
          rows.map((r) => String(r.seq)),
        )
        .execute();
      throw err;
    }
    await this.o.db
      .updateTable('hq_outbox')
      .set({ sent_at: new Date().toISOString(), last_error: null })
      .where(
        'seq',
        'in',
        rows.map((r) => String(r.seq)),
      )
      .execute();
    this.stats.sent += rows.length;
    return rows.length;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop?.catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }
}

export async function outboxBacklog(db: HqDb): Promise<{ unsent: number; oldest_unsent_at: string | null }> {
  const r = await db
    .selectFrom('hq_outbox')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('sent_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    unsent: Number(int8(r.n)),
    oldest_unsent_at: r.oldest ? new Date(r.oldest as string).toISOString() : null,
  };
}
