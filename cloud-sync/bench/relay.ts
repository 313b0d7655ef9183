/**
 * Sync figures (issue 13 §6), on a broker of its own started for the run:
 *   1. relay throughput: the hub's OutboxRelay draining N order.completed events, against raw
 *      kafkajs producing the same envelopes with the same producer settings in the same run;
 *   2. order completed at the hub → row at HQ (PGlite), p50/p99, one order every ~20 ms;
 *   3. a 100,000-item catalogue snapshot published by HQ (chunked) and applied at a hub.
 * Appends the figures to docs/benchmarks.md (section "cloud-sync — sync").
 *
 *   npm run bench -w cloud-sync [-- relay|latency|snapshot]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { openHqDb } from '../src/db';
import { HqConsumer } from '../src/consumers';
import { storeEventsTopic, storeStreamTopic } from '../src/protocol';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import { kafkaConfigFor, kafkaFor, startTestBroker } from '../../scripts/kafka/test-broker';
import { provisionHq, provisionStore } from '../../scripts/kafka/topology';
import { Inbox } from '../../store-hub/src/sync/inbox';
import { enqueueOutbox } from '../../store-hub/src/outbox';
import { hubBacklog, openHub, relayFor, rng, sell, tempDir, until } from '../test/faults/harness';

const { Kafka } = kafkajs;
const only = process.argv[2];
const want = (s: string) => !only || only === s;
const lines: string[] = [];
const out = (s: string) => {
  console.log(s);
  lines.push(s);
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const broker = await startTestBroker({ users: ['hq', 'hub-b1', 'hub-b2', 'hub-b3'] });
const env = broker.env;
const admin = kafkaFor(env, 'admin').admin();
await admin.connect();
await provisionHq(admin);
for (const s of ['b1', 'b2', 'b3']) await provisionStore(admin, s);
const load = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');

try {
  if (want('relay')) {
    const N = 20_000;
    const hub = openHub(tempDir('kassa-bench-hub-'));
    sell(hub, 'b1', N, rng(1));
    const rows = hub.prepare(`SELECT key, envelope FROM outbox ORDER BY hub_seq`).all() as {
      key: string;
      envelope: string;
    }[];
    const bytes = rows.reduce((s, r) => s + r.envelope.length, 0);
    // Baseline: raw kafkajs, same producer settings (idempotent, 1 in flight, acks all), batches of 500.
    const raw = new Kafka(kafkaConfigFor(env, 'hub-b2')).producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await raw.connect();
    let t = performance.now();
    for (let i = 0; i < rows.length; i += 500)
      await raw.send({
        topic: storeEventsTopic('b2'),
        acks: -1,
        messages: rows.slice(i, i + 500).map((r) => ({ key: r.key, value: r.envelope })),
      });
    const rawS = (performance.now() - t) / 1000;
    // Second baseline: raw kafkajs with the relay's batching rule (≤ 500 events and ≤ 900 KiB a
    // request, what a broker at the default message.max.bytes of 1 MiB accepts).
    const capped: { key: string; value: string }[][] = [];
    let cur: { key: string; value: string }[] = [];
    let curBytes = 0;
    for (const r of rows) {
      const size = r.envelope.length + r.key.length + 64;
      if (cur.length > 0 && (cur.length >= 500 || curBytes + size > 900 * 1024)) {
        capped.push(cur);
        cur = [];
        curBytes = 0;
      }
      cur.push({ key: r.key, value: r.envelope });
      curBytes += size;
    }
    if (cur.length > 0) capped.push(cur);
    t = performance.now();
    for (const messages of capped) await raw.send({ topic: storeEventsTopic('b2'), acks: -1, messages });
    const cappedS = (performance.now() - t) / 1000;
    await raw.disconnect();
    const relay = relayFor(env, hub, 'b1');
    t = performance.now();
    const sent = await relay.drainOnce();
    const relayS = (performance.now() - t) / 1000;
    await relay.stop();
    hub.close();
    out(
      `### Relay throughput: ${N.toLocaleString('en')} order.completed events (${(bytes / N / 1024).toFixed(1)} KiB each)`,
    );
    out('');
    out('| path | events/s | MiB/s |');
    out('|---|---|---|');
    out(
      `| raw kafkajs (idempotent, acks all, batches of 500) | ${Math.round(N / rawS)} | ${(bytes / rawS / 2 ** 20).toFixed(1)} |`,
    );
    out(
      `| raw kafkajs, the relay's batching (≤ 500 events and ≤ 900 KiB a request: ${capped.length} requests) | ${Math.round(N / cappedS)} | ${(bytes / cappedS / 2 ** 20).toFixed(1)} |`,
    );
    out(
      `| OutboxRelay (read SQLite, produce, mark sent) | ${Math.round(sent / relayS)} | ${(bytes / relayS / 2 ** 20).toFixed(1)} |`,
    );
    out('');
    out(
      `Relay = ${((rawS / relayS) * 100).toFixed(0)} % of raw kafkajs at 500 a request; ${((cappedS / relayS) * 100).toFixed(0)} % of raw kafkajs batched the same way (goal ≥ 50 %).`,
    );
    out('');
  }

  if (want('latency')) {
    const N = 500;
    const hub = openHub(tempDir('kassa-bench-hub-'));
    const hq = await openHqDb('memory://');
    const born = new Map<string, number>();
    const lat: number[] = [];
    const consumer = new HqConsumer({
      kafka: kafkaConfigFor(env, 'hq', 'hq-bench'),
      db: hq.db,
      groupId: `hq-bench-${Date.now()}`,
      topics: [storeEventsTopic('b3')],
      onChunk: (outcomes) => {
        const now = performance.now();
        for (const o of outcomes)
          if (o.status === 'applied' && born.has(o.event_id)) lat.push(now - born.get(o.event_id)!);
      },
    });
    await consumer.start();
    const relay = relayFor(env, hub, 'b3');
    relay.start();
    // Warm up the path (connections, producer id, group join) before measuring.
    sell(hub, 'b3', 5, rng(2));
    relay.notify();
    await until(() => hubBacklog(hub) === 0, 60_000);
    await new Promise((r) => setTimeout(r, 2000));
    lat.length = 0;
    const store = { store_id: 'b3', timezone: 'UTC', business_day_offset_minutes: 0 };
    const random = rng(3);
    for (let i = 0; i < N; i++) {
      const before = hub.prepare(`SELECT COALESCE(MAX(hub_seq), 0) AS s FROM outbox`).get() as { s: number };
      sell(hub, 'b3', 1, random);
      const ev = hub.prepare(`SELECT event_id FROM outbox WHERE hub_seq > ?`).get(before.s) as {
        event_id: string;
      };
      born.set(ev.event_id, performance.now());
      relay.notify();
      await new Promise((r) => setTimeout(r, 20));
    }
    void store;
    await until(() => lat.length >= N, 120_000, 'every order at HQ');
    await consumer.stop();
    await relay.stop();
    hub.close();
    await hq.close();
    out(`### Order completed at the hub → row at HQ (PGlite), ${N} orders, one every ~20 ms`);
    out('');
    out(
      `p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms, max ${Math.max(...lat).toFixed(0)} ms (goal p99 < 1 s).`,
    );
    out('');
  }

  if (want('snapshot')) {
    const ITEMS = 100_000;
    const doc = generateDemoStore({ items: ITEMS, seed: 5 }) as {
      store_config: Record<string, unknown>;
      items: unknown[];
      categories: unknown[];
      tax_table: unknown[];
    };
    const hub = openHub(tempDir('kassa-bench-hub-'));
    const inboxEnqueue = (e: Parameters<typeof enqueueOutbox>[2]) => {
      enqueueOutbox(hub, { store_id: 'b1', timezone: 'UTC', business_day_offset_minutes: 0 }, e);
    };
    let seq = 0;
    const envelope = (type: string, data: unknown) =>
      JSON.stringify({
        event_id: randomUUID(),
        type,
        version: 1,
        store_id: 'b1',
        device_id: null,
        occurred_at: new Date().toISOString(),
        business_date: '2026-12-01',
        hub_seq: ++seq,
        key: 'b1',
        data,
      });
    const PER = 2000;
    const chunks: string[] = [];
    for (let i = 0, n = Math.ceil(ITEMS / PER); i < n; i++)
      chunks.push(
        envelope('catalog.snapshot', {
          stream_version: 1,
          chunk: { index: i, count: n },
          items: doc.items.slice(i * PER, (i + 1) * PER),
          categories: i === 0 ? doc.categories : [],
        }),
      );
    const hqp = kafkaFor(env, 'hq').producer({ idempotent: true, maxInFlightRequests: 1 });
    await hqp.connect();
    await hqp.send({
      topic: storeStreamTopic('b1'),
      messages: [
        envelope('store.config', {
          stream_version: 1,
          config_version: 1,
          config: { ...doc.store_config, store_id: 'b1' },
        }),
        envelope('tax.table.snapshot', { stream_version: 1, tax_table: doc.tax_table }),
      ].map((value) => ({ key: 'b1', value })),
    });
    const inbox = new Inbox({
      db: hub,
      kafka: kafkaFor(env, 'hub-b1'),
      storeId: 'b1',
      enqueue: inboxEnqueue,
      maxWaitTimeInMs: 100,
    });
    await inbox.start();
    await until(() => inbox.versions().tax === 1, 60_000);
    const t = performance.now();
    for (let i = 0; i < chunks.length; i += 10)
      await hqp.send({
        topic: storeStreamTopic('b1'),
        messages: chunks.slice(i, i + 10).map((value) => ({ key: 'b1', value })),
      });
    const published = performance.now() - t;
    await until(() => inbox.versions().catalog === 1, 300_000, 'catalogue applied');
    const total = performance.now() - t;
    const n = (
      hub.prepare(`SELECT COUNT(*) AS n FROM catalog_items WHERE deleted = 0`).get() as { n: number }
    ).n;
    await inbox.stop();
    await hqp.disconnect();
    hub.close();
    const mb = chunks.reduce((s, c) => s + c.length, 0) / 2 ** 20;
    out(`### ${ITEMS.toLocaleString('en')}-item catalogue snapshot from HQ applied at a hub`);
    out('');
    out(
      `${chunks.length} chunks of ${PER} items (${mb.toFixed(1)} MiB): published in ${(published / 1000).toFixed(1)} s; ` +
        `published → applied (validated by promo-core, one SQLite transaction, ${n.toLocaleString('en')} items live) in ${(total / 1000).toFixed(1)} s (goal < 10 s).`,
    );
    out('');
  }
} finally {
  await admin.disconnect();
  await broker.remove();
}

const header = `## cloud-sync — sync — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\nMachine: 2-core VM shared with other work (load average ${load} at start); broker: Kafka 3.9.1, single node, SASL/SCRAM on loopback.\n\n`;
const file = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs/benchmarks.md');
fs.appendFileSync(file, `\n${header}${lines.join('\n')}\n`);
console.log(`appended to ${path.relative(process.cwd(), file)}`);
