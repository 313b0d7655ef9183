/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The hub's replication endpoints against RxDB itself as the client (replicateRxCollection,
 * memory storage) and a real hub process: the four deviations of issue 11 §2 stay fixed.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { createRxDatabase } from 'rxdb';
import type { RxCollection, RxDatabase } from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairKiosk } from '../scripts/pair-url';
import { basketSchema, referenceSchema } from '../src/data/collections';
import { HubClient } from '../src/hub/client';
import type { RunningHub } from './support/hub';
import { api, demoStore, importStore, staffToken, startHub, tempDir } from './support/hub';

let dir: string;
let dataDir: string;
let hub: RunningHub;
let n = 0;

beforeAll(async () => {
  dir = tempDir('kassa-kiosk-repl-');
  dataDir = path.join(dir, 'hub');
  importStore(dataDir, demoStore(dir, 1200).file);
  hub = await startHub(dataDir);
}, 120_000);

afterAll(async () => {
  await hub?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Kiosk {
  db: RxDatabase;
  baskets: RxCollection<any>;
  items: RxCollection<any>;
  client: HubClient;
  token: string;
  close(): Promise<void>;
}

/** A kiosk's RxDB (memory) replicating baskets (push + pull) and items (pull) with the hub. */
async function kiosk(name: string, token?: string, batch = 100): Promise<Kiosk & { reps: any[] }> {
  const t = token ?? (await pairKiosk({ hubUrl: hub.url, name })).token;
  const client = new HubClient({ origin: hub.url, token: () => t });
  const db = await createRxDatabase({
    name: `repl${++n}`,
    storage: getRxStorageMemory(),
    multiInstance: false,
  });
  const cols = await db.addCollections({
    baskets: { schema: basketSchema as any },
    items: { schema: referenceSchema as any },
  });
  const baskets = replicateRxCollection<any, any>({
    collection: cols.baskets,
    replicationIdentifier: `test-baskets-${n}`,
    live: true,
    retryTime: 200,
    waitForLeadership: false,
    push: { batchSize: 50, handler: async (rows) => (await client.push('baskets', rows)) as any },
    pull: {
      batchSize: 50,
      handler: async (cp, limit) => (await client.pull('baskets', cp ?? undefined, limit)) as any,
    },
  });
  const items = replicateRxCollection<any, any>({
    collection: cols.items,
    replicationIdentifier: `test-items-${n}`,
    live: false,
    retryTime: 200,
    waitForLeadership: false,
    pull: {
      batchSize: batch,
      handler: async (cp, limit) => {
        const r = await client.pull('items', cp ?? undefined, limit);
        return {
          documents: r.documents.map((d: any) => {
            const { id, updatedAt, _deleted, ...doc } = d;
            return { id, updatedAt, doc, _deleted };
          }),
          checkpoint: r.checkpoint,
        } as any;
      },
    },
  });
  const reps = [baskets, items];
  return {
    db,
    baskets: cols.baskets,
    items: cols.items,
    client,
    token: t,
    reps,
    async close() {
      await Promise.all(reps.map((r) => r.cancel()));
      await db.close();
    },
  };
}

const basket = (id: string, lines: number) => ({
  id,
  state: 'active',
  created_at: '2026-12-01T00:00:00.000Z',
  lines: Array.from({ length: lines }, (_, i) => ({ line_id: `l${i}`, code: '5000000001002', quantity: 1 })),
  ops: [],
  next_seq: lines + 1,
  order_attempt: 0,
});

function hubRow(id: string): { collection: string; doc: string; deleted: number } | undefined {
  const db = new Database(path.join(dataDir, 'kassa-hub.sqlite'), { readonly: true });
  try {
    return db.prepare(`SELECT collection, doc, deleted FROM kiosk_docs WHERE id = ?`).get(id) as never;
  } finally {
    db.close();
  }
}

describe('hub replication with RxDB as the client', () => {
  it('1. keeps every edit made right after an acknowledged push (the hub stores what was pushed)', async () => {
    const k = await kiosk('R1');
    try {
      await k.baskets.insert(basket('b-edit', 1));
      for (let i = 2; i <= 12; i++) {
        await k.reps[0].awaitInSync();
        const d = await k.baskets.findOne('b-edit').exec();
        await d!.incrementalPatch({ lines: basket('b-edit', i).lines, next_seq: i + 1 });
      }
      await k.reps[0].awaitInSync();
      const local = await k.baskets.findOne('b-edit').exec();
      expect(local!.lines).toHaveLength(12);
      const row = hubRow('b-edit')!;
      expect(JSON.parse(row.doc).lines).toHaveLength(12);
      // No hub stamp inside the stored document: the ordering stamp is in the checkpoint only.
      expect(JSON.parse(row.doc).updatedAt).toBeUndefined();
    } finally {
      await k.close();
    }
  });

  it('2. writes a pushed document whose assumed master the hub does not have (e.g. after a restore)', async () => {
    const k = await kiosk('R2');
    try {
      await k.baskets.insert(basket('b-restore', 2));
      await k.reps[0].awaitInSync();
      // The hub loses the row (restored from an older copy).
      const db = new Database(path.join(dataDir, 'kassa-hub.sqlite'));
      db.pragma('busy_timeout = 5000');
      db.prepare(`DELETE FROM kiosk_docs WHERE id = 'b-restore'`).run();
      db.close();
      const d = await k.baskets.findOne('b-restore').exec();
      await d!.incrementalPatch({ lines: basket('b-restore', 3).lines });
      await k.reps[0].awaitInSync();
      const local = await k.baskets.findOne('b-restore').exec();
      expect(local).not.toBeNull();
      expect(local!.lines).toHaveLength(3);
      const row = hubRow('b-restore')!;
      expect(row.deleted).toBe(0);
      expect(JSON.parse(row.doc).lines).toHaveLength(3);
    } finally {
      await k.close();
    }
  });

  it('3. replicates to a kiosk its own baskets only', async () => {
    const a = await kiosk('R3a');
    const b = await kiosk('R3b');
    try {
      await a.baskets.insert(basket('b-of-a', 1));
      await a.reps[0].awaitInSync();
      await b.reps[0].awaitInSync();
      await b.reps[0].reSync();
      await b.reps[0].awaitInSync();
      expect(await b.baskets.count().exec()).toBe(0);
      // The same kiosk on a fresh RxDB (e.g. its storage was wiped) gets its basket back.
      const a2 = await kiosk('R3a', a.token);
      try {
        await a2.reps[0].awaitInitialReplication();
        expect((await a2.baskets.findOne('b-of-a').exec())?.lines).toHaveLength(1);
      } finally {
        await a2.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('4. advertises its page limit, clamps a larger one (never a 400), pages to the end, and 404s an unknown collection', async () => {
    const { token } = await pairKiosk({ hubUrl: hub.url, name: 'R4-info' });
    const info = await api(hub.url, 'GET', '/v1/replication', token);
    expect(info.body.data.pull_max_limit).toBe(1000);
    // RxDB sized from what the hub advertises pulls everything in full pages.
    const k = await kiosk('R4', undefined, info.body.data.pull_max_limit);
    try {
      await k.reps[1].awaitInitialReplication();
      expect(await k.items.count().exec()).toBe(1200);
      const big = await api(hub.url, 'GET', '/v1/replication/items/pull?limit=5000', k.token);
      expect(big.status).toBe(200);
      expect(big.body.data.documents).toHaveLength(1000);
      const unknown = await api(hub.url, 'GET', '/v1/replication/nope/pull', k.token);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('UNKNOWN_COLLECTION');
    } finally {
      await k.close();
    }
  });

  it('reports a pricing mismatch as an alert for staff and HQ', async () => {
    const { token } = await pairKiosk({ hubUrl: hub.url, name: 'R5' });
    const client = new HubClient({ origin: hub.url, token: () => token });
    expect(
      await client.reportPricingMismatch({
        basket_id: 'b1',
        data_version: 'hub:1',
        kiosk_json: '{"total":"1.00"}',
        hub_json: '{"total":"1.01"}',
      }),
    ).toBe(true);
    const staff = await staffToken(hub.url);
    const out = await api(hub.url, 'GET', '/v1/sync/outbox?limit=1000', staff);
    const alerts = JSON.stringify(out.body).match(/PRICING_MISMATCH/g) ?? [];
    expect(alerts.length).toBeGreaterThan(0);
  });
});
