/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * `store-hub import <file> --replace` through the CLI process, next to a running hub process:
 * items and promotions the file leaves out are deleted, and the tombstones reach a paired
 * kiosk (its live `replication.changed` and its pull from where it was). Without the flag the
 * same file only adds and updates.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import type { Client, RunningHub } from './harness';
import { BIN, pairKiosk, removeTempDirs, startHubProcess, tempDataDir } from './harness';

type Doc = Record<string, any>;
const demo = generateDemoStore({ items: 600, seed: 7 }) as unknown as {
  items: Doc[];
  promotions: Doc[];
  tax_table: Doc[];
  categories: Doc[];
  store_config: Doc;
};

let dir: string;
let hub: RunningHub;
let kiosk: Client;

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data-dir', dir], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function writeJson(name: string, doc: unknown): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, JSON.stringify(doc));
  return f;
}

/** Everything the kiosk pulls of one collection after `from`, page by page. */
async function pullAll(collection: string, from = { id: '', updatedAt: 0 }): Promise<Doc[]> {
  const out: Doc[] = [];
  let cp = from;
  for (;;) {
    const q = cp.updatedAt === 0 ? 'limit=200' : `limit=200&updatedAt=${cp.updatedAt}&id=${cp.id}`;
    const r = await kiosk.req('GET', `/v1/replication/${collection}/pull?${q}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    out.push(...r.body.data.documents);
    if (r.body.data.documents.length === 0) return out;
    cp = r.body.data.checkpoint;
  }
}

const checkpointOf = (docs: Doc[]) => {
  const last = docs[docs.length - 1]!;
  return { id: last.id as string, updatedAt: last.updatedAt as number };
};

beforeAll(async () => {
  dir = tempDataDir();
  const full = writeJson('full.json', {
    store_config: demo.store_config,
    tax_table: demo.tax_table,
    categories: demo.categories,
    items: demo.items,
    promotions: demo.promotions,
  });
  const r = cli('import', full);
  expect(r.code, r.out + r.err).toBe(0);
  hub = await startHubProcess(dir);
  ({ client: kiosk } = await pairKiosk(hub.url, hub.pairingCode, 'K1'));
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  removeTempDirs();
});

describe('store-hub import --replace', () => {
  it('deletes what the file leaves out, and the tombstones reach the kiosk', async () => {
    expect(demo.promotions.length).toBeGreaterThan(2);
    const items = await pullAll('items');
    const promotions = await pullAll('promotions');
    expect(items.filter((d) => !d._deleted)).toHaveLength(demo.items.length);
    expect(promotions.filter((d) => !d._deleted)).toHaveLength(demo.promotions.length);

    // A file without two items and one promotion (kept items unchanged, one repriced).
    const goneItems = [demo.items[3]!.item_id, demo.items[7]!.item_id].sort();
    const gonePromo = demo.promotions[1]!.id as string;
    const kept = demo.items.filter((i) => !goneItems.includes(i.item_id));
    const repriced: Doc = { ...kept[0]!, base_price: '9.99' };
    const smaller = writeJson('smaller.json', {
      items: [repriced, ...kept.slice(1)],
      promotions: demo.promotions.filter((p) => p.id !== gonePromo),
    });

    // The kiosk's socket hears of each import live (the hub notices the CLI's writes to its
    // database on its own schedule, so every wait below is for an announcement, not a time).
    const socket = io(hub.url, { auth: { token: kiosk.token }, transports: ['websocket'] });
    const changed: any[] = [];
    socket.on('replication.changed', (p: any) => changed.push(p));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const live = (collection: string): [string, boolean][] =>
      changed.flatMap((e) =>
        ((e.changes ?? []) as any[])
          .filter((c) => c.collection === collection)
          .flatMap((c) => c.documents.map((d: Doc) => [d.id, d._deleted])),
      );
    const announced = async (what: string, done: () => boolean): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`${what} not announced: ${JSON.stringify(changed)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // Without --replace: only the repriced item changes, nothing is deleted.
    const plain = cli('import', smaller);
    expect(plain.code, plain.out + plain.err).toBe(0);
    await announced('the plain import', () => live('items').length >= 1);
    expect(live('items')).toEqual([[repriced.item_id, false]]);
    expect(live('promotions')).toEqual([]);
    const afterPlain = await pullAll('items', checkpointOf(items));
    expect(afterPlain.map((d) => [d.id, d._deleted])).toEqual([[repriced.item_id, false]]);
    expect(await pullAll('promotions', checkpointOf(promotions))).toEqual([]);
    const itemsBefore = checkpointOf(afterPlain);
    changed.length = 0;

    const replaced = cli('import', smaller, '--replace');
    expect(replaced.code, replaced.out + replaced.err).toBe(0);
    const report = JSON.parse(replaced.out);
    expect(report).toMatchObject({ applied: true, rejected: [] });

    await announced('the replace', () => live('items').length >= 2 && live('promotions').length >= 1);
    socket.close();
    expect(live('items').sort()).toEqual(goneItems.map((id) => [id, true]));
    expect(live('promotions')).toEqual([[gonePromo, true]]);

    // A kiosk pulling from where it was gets the same tombstones, and nothing else.
    const pulledItems = await pullAll('items', itemsBefore);
    expect(pulledItems.map((d) => [d.id, d._deleted]).sort()).toEqual(goneItems.map((id) => [id, true]));
    const pulledPromos = await pullAll('promotions', checkpointOf(promotions));
    expect(pulledPromos.map((d) => [d.id, d._deleted])).toEqual([[gonePromo, true]]);

    // The deleted item no longer sells.
    const b = await kiosk.req('POST', '/v1/baskets', {});
    const add = await kiosk.req('POST', `/v1/baskets/${b.body.data.basket_id}/lines`, {
      code: demo.items[3]!.product_identifier,
    });
    expect(add.status).toBe(404);
    expect(add.body.error.code).toBe('ITEM_NOT_FOUND');
  }, 120_000);

  it('refuses --replace for a file with no list to replace, and changes nothing', async () => {
    const before = await pullAll('items');
    const configOnly = writeJson('config.json', { store_config: demo.store_config });
    const r = cli('import', configOnly, '--replace');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--replace needs a file with items/);
    expect(await pullAll('items', checkpointOf(before))).toEqual([]);
  }, 60_000);
});
