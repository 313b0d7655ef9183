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
import type { KioskDatabase, KioskReplication } from '../src/data/database';
import { openKioskDatabase, replicateWithHub } from '../src/data/database';
import { findItem, readItems } from '../src/data/item-buckets';
import { HubClient } from '../src/hub/client';
import type { HubEvents } from '../src/hub/events';
import { connectHubEvents } from '../src/hub/events';
import type { DemoStore, RunningHub } from './support/hub';
import { api, demoStore, importStore, staffToken, startHub, tempDir } from './support/hub';

let dir: string;
let dataDir: string;
let hub: RunningHub;
let store: DemoStore;
let n = 0;

beforeAll(async () => {
  dir = tempDir('kassa-kiosk-repl-');
  dataDir = path.join(dir, 'hub');
  store = demoStore(dir, 1200);
  importStore(dataDir, store.file);
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

/**
 * The kiosk's own data layer (openKioskDatabase + replicateWithHub, all six collections) on
 * memory storage, wired to the hub's socket.io events as the app wires them: RESYNC on
 * (re)connect, every `replication.changed` into the pull streams. Pull requests are counted
 * per collection.
 */
interface LiveKiosk {
  db: KioskDatabase;
  rep: KioskReplication;
  pulls: string[];
  token: string;
  caughtUp: number[];
  close(): Promise<void>;
}
async function liveKiosk(name: string): Promise<LiveKiosk> {
  const { token } = await pairKiosk({ hubUrl: hub.url, name });
  const pulls: string[] = [];
  const counting = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const u = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const m = /^\/v1\/replication\/([^/]+)\/pull$/.exec(u.pathname);
    if (m) pulls.push(m[1]!);
    return fetch(input, init);
  }) as typeof fetch;
  const client = new HubClient({ origin: hub.url, token: () => token, fetch: counting });
  const db = await openKioskDatabase(`live${++n}`, getRxStorageMemory());
  const caughtUp: number[] = [];
  const rep = replicateWithHub(db, client, { onCaughtUp: (s) => caughtUp.push(s) });
  const noop = (): void => undefined;
  const events: HubEvents = connectHubEvents(hub.url, token, {
    connected: () => rep.changed('RESYNC'),
    disconnected: noop,
    state: noop,
    basketUpdated: noop,
    interventionDecided: noop,
    paymentPrompt: noop,
    paymentResult: noop,
    orderCompleted: noop,
    deviceEvent: noop,
    replicationChanged: (e) => rep.changed(e),
  });
  await Promise.all(rep.states.map((st) => st.awaitInitialReplication()));
  // Connected and caught up with the hub's clock (the connect announcement).
  await until(() => events.connected && caughtUp.length > 0);
  await rep.inSync();
  return {
    db,
    rep,
    pulls,
    token,
    caughtUp,
    async close() {
      events.close();
      await rep.cancel();
      await db.close();
    },
  };
}

async function until(ok: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** item id → its document as JSON, unpacked from the kiosk's buckets. */
const itemsOf = async (db: KioskDatabase): Promise<Map<string, string>> =>
  new Map((await readItems(db.items)).map((r) => [String(r.doc.item_id), JSON.stringify(r.doc)]));

const staffImport = async (doc: unknown): Promise<void> => {
  const r = await api(hub.url, 'POST', '/v1/catalog/import', await staffToken(hub.url), doc);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};

describe('the change stream carries documents (issue 11 §2 fix 3) and deletes', () => {
  it('a price change reaches the kiosk as that one document, with no pull; a basket push elsewhere sends nothing', async () => {
    const k = await liveKiosk('S1');
    const other = await kiosk('S1-other');
    try {
      const before = await itemsOf(k.db);
      expect(before.size).toBe(1200);
      const pullsBefore = k.pulls.length;
      const bucketsBefore = new Map((await k.db.items.find().exec()).map((d) => [d.id, d.json] as const));
      // Another kiosk's basket push moves the hub's clock: nothing for this kiosk to do.
      await other.baskets.insert(basket('b-elsewhere', 2));
      await other.reps[0].awaitInSync();

      const item = store.doc.items[7] as { item_id: string; base_price: string };
      await staffImport({ items: [{ ...item, base_price: '12.34' }] });
      await until(
        async () => (await findItem(k.db.items, item.item_id))?.base_price === '12.34',
        'the new price in RxDB',
      );
      await k.rep.inSync();
      // Not one pull request: the document came in the event itself.
      expect(k.pulls.slice(pullsBefore)).toEqual([]);
      // That one item changed, in that one bucket; the other 1,199 are as they were.
      const after = await itemsOf(k.db);
      expect([...after.keys()].filter((id) => after.get(id) !== before.get(id))).toEqual([item.item_id]);
      expect(after.size).toBe(1200);
      const changed = (await k.db.items.find().exec()).filter((d) => bucketsBefore.get(d.id) !== d.json);
      expect(changed).toHaveLength(1);
      // The kiosk knows it holds the hub's newest data version (pricing comparisons rely on it).
      await until(() => k.caughtUp.at(-1)! >= changed[0]!.updatedAt, 'caught up');
    } finally {
      await other.close();
      await k.close();
    }
  });

  it('an item and a promotion removed by a replacing import reach the kiosk as deletes, live and on a later pull', async () => {
    const k = await liveKiosk('S2');
    try {
      const items = store.doc.items as { item_id: string }[];
      const promos = store.doc.promotions as { id: string }[];
      const gone = items[11]!;
      const gonePromo = promos[promos.length - 1]!;
      expect(await findItem(k.db.items, gone.item_id)).not.toBeNull();
      expect(await k.db.promotions.findOne(gonePromo.id).exec()).not.toBeNull();
      const pullsBefore = k.pulls.length;
      await staffImport({
        replace: ['items', 'promotions'],
        items: items.filter((i) => i !== gone),
        promotions: promos.filter((p) => p !== gonePromo),
      });
      await until(
        async () =>
          (await findItem(k.db.items, gone.item_id)) === null &&
          (await k.db.promotions.findOne(gonePromo.id).exec()) === null,
        'both deleted in RxDB',
      );
      expect(k.pulls.slice(pullsBefore)).toEqual([]);
      expect((await itemsOf(k.db)).size).toBe(1199);

      // A kiosk that pulls later (fresh storage) receives the tombstones with their stamps.
      const r = await api(hub.url, 'GET', '/v1/replication/items/pull?limit=1000&updatedAt=0', k.token);
      let page = r.body.data;
      const docs = [...page.documents];
      while (page.documents.length === 1000) {
        const next = await api(
          hub.url,
          'GET',
          `/v1/replication/items/pull?limit=1000&updatedAt=${page.checkpoint.updatedAt}&id=${page.checkpoint.id}`,
          k.token,
        );
        page = next.body.data;
        docs.push(...page.documents);
      }
      const tomb = docs.find((d: any) => d.id === gone.item_id);
      expect(tomb).toMatchObject({ _deleted: true });
      expect(tomb.updatedAt).toBe(Math.max(...docs.map((d: any) => d.updatedAt)));
      const fresh = await liveKiosk('S2-fresh');
      try {
        expect((await itemsOf(fresh.db)).size).toBe(1199);
        expect(await findItem(fresh.db.items, gone.item_id)).toBeNull();
      } finally {
        await fresh.close();
      }
    } finally {
      await k.close();
    }
  });
});
