/**
 * End to end through the real parts: a sale checked out at the hub (its HTTP API, its payment
 * simulator, its outbox, its relay) becomes a row at HQ, and a price published with HQ's own
 * publishing code reaches the hub's inbox and changes what the hub charges for a scan; an item
 * HQ deletes reaches a paired kiosk's replication as `_deleted` and no longer sells.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { openHqDb } from '../../src/db';
import type { OpenedDb } from '../../src/db';
import { OutboxSender, publish } from '../../src/publishing';
import { upsertStore } from '../../src/stores';
import { kafkaConfigFor, kafkaFor } from '../../../scripts/kafka/test-broker';
import { provisionStore } from '../../../scripts/kafka/topology';
import type { Hub } from '../../../store-hub/src/main';
import { startHub } from '../../../store-hub/src/main';
import type { SyncHandle } from '../../../store-hub/src/sync';
import { startSync } from '../../../store-hub/src/sync';
import type { Client } from '../../../store-hub/test/harness';
import { FIXTURE, importFile, pairKiosk, tempDataDir } from '../../../store-hub/test/harness';
import { hqConsumer, until } from './harness';

const kafka = inject('kafka');
const STORE = 't19';
const MILK = '5000000000017';
const BREAD = '5000000000024';

describe.skipIf(!kafka)('hub ⇄ HQ end to end (real hub, real broker, HQ on PGlite)', () => {
  const env = kafka!;
  let hub: Hub;
  let sync: SyncHandle | undefined;
  let hq: OpenedDb;
  let consumer: ReturnType<typeof hqConsumer>;
  let sender: OutboxSender;
  let kiosk: Client;
  let fixture: { store_config: Record<string, unknown>; items: Record<string, unknown>[] };

  beforeAll(async () => {
    const admin = kafkaFor(env, 'admin').admin();
    await admin.connect();
    await provisionStore(admin, STORE);
    await admin.disconnect();
    const dir = tempDataDir();
    fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    fixture.store_config.store_id = STORE;
    const file = path.join(dir, 'store.json');
    fs.writeFileSync(file, JSON.stringify(fixture));
    expect(importFile(dir, file).code).toBe(0);
    hub = await startHub({
      dataDir: dir,
      port: 0,
      logLevel: 'warn',
      startSync: (ctx) => {
        sync = startSync(
          ctx.db,
          {
            brokers: env.brokers,
            username: `hub-${STORE}`,
            password: env.users[`hub-${STORE}`]!,
            mechanism: 'scram-sha-512',
            ssl: false,
            alertAfterMs: 3600_000,
            heartbeatMs: 60_000,
          },
          { storeId: STORE, onApplied: () => ctx.services.notifyReplication() },
        );
        return sync;
      },
    });
    hq = await openHqDb('memory://');
    await upsertStore(hq.db, {
      store_id: STORE,
      name: 'Test Store',
      timezone: 'Europe/London',
      currency: 'GBP',
    });
    consumer = hqConsumer(env, hq.db, [STORE]);
    await consumer.start();
    sender = new OutboxSender({ kafka: kafkaConfigFor(env, 'hq', 'hq-sender'), db: hq.db, idleMs: 100 });
    await sender.start();
    ({ client: kiosk } = await pairKiosk(hub.url, hub.pairingCode.code));
  }, 120_000);

  afterAll(async () => {
    await sender?.stop();
    await consumer?.stop();
    await hub?.close();
    await hq?.close();
  });

  it('a sale at the hub appears at HQ once, with the hub’s total', async () => {
    const b = await kiosk.req('POST', '/v1/baskets', {});
    const basket = b.body.data.basket_id as string;
    expect((await kiosk.req('POST', `/v1/baskets/${basket}/lines`, { code: MILK, quantity: 2 })).status).toBe(
      201,
    );
    const o = await kiosk.req('POST', '/v1/orders', { basket_id: basket });
    expect(o.status, JSON.stringify(o.body)).toBe(201);
    const paid = await kiosk.req('POST', `/v1/orders/${o.body.data.order_id}/tenders`, {});
    expect(paid.body.data.order_status).toBe('completed');
    const orderId = o.body.data.order_id as string;
    // An order event HQ refused would sit in its dead letters: say so instead of timing out.
    await until(
      async () => {
        const d = await sql<{ code: string; reason: unknown }>`SELECT code, reason FROM dead_letters`.execute(
          hq.db,
        );
        if (d.rows.length > 0) throw new Error(`HQ dead-lettered: ${JSON.stringify(d.rows).slice(0, 1500)}`);
        const r = await sql<{
          n: string | number;
        }>`SELECT COUNT(*) AS n FROM events WHERE store_id = ${STORE}`.execute(hq.db);
        return Number(r.rows[0]!.n) > 0;
      },
      30_000,
      'events of the store at HQ',
    );
    await until(
      async () => {
        const r = await sql<{
          n: string | number;
        }>`SELECT COUNT(*) AS n FROM orders WHERE order_id = ${orderId}`.execute(hq.db);
        return Number(r.rows[0]!.n) === 1;
      },
      60_000,
      'the order at HQ',
    );
    const row = await sql<{ total_minor: string | number; store_id: string }>`
      SELECT total_minor, store_id FROM orders WHERE order_id = ${orderId}`.execute(hq.db);
    expect(row.rows[0]!.store_id).toBe(STORE);
    expect(BigInt(row.rows[0]!.total_minor)).toBe(240n); // 2 × 1.20
    const status = sync!.status();
    expect(status.backlog).toBe(0);
    expect(status.connected).toBe(true);
  });

  it('a price published at HQ reaches the hub: config.applied comes back and the next scan charges it', async () => {
    const milk = fixture.items.find((i) => i.product_identifier === MILK)!;
    await publish(hq.db, {
      stream: 'catalog',
      mode: 'delta',
      store_ids: [STORE],
      document: { items: [{ ...milk, base_price: '1.35' }] },
    });
    await until(() => (sync!.inbox.versions().catalog ?? 0) >= 1, 60_000, 'the delta applied at the hub');
    // The hub rebuilds its pricing data off the request path and swaps it in: poll the scan.
    await until(
      async () => JSON.stringify((await kiosk.req('GET', `/v1/scan?code=${MILK}`)).body).includes('"1.35"'),
      30_000,
      'the scan to charge 1.35',
    );
    await until(
      async () => {
        const r = await sql<{ n: string | number }>`
        SELECT COUNT(*) AS n FROM events WHERE store_id = ${STORE} AND type = 'config.applied'`.execute(
          hq.db,
        );
        return Number(r.rows[0]!.n) >= 1;
      },
      60_000,
      'config.applied at HQ',
    );
  });
  it('an item deleted at HQ reaches the kiosk as a tombstone (live pull from its checkpoint) and no longer sells', async () => {
    const bread = fixture.items.find((i) => i.product_identifier === BREAD)!;
    const pull = async (from: { id: string; updatedAt: number } | null) => {
      const q = from ? `limit=500&updatedAt=${from.updatedAt}&id=${from.id}` : 'limit=500';
      const r = await kiosk.req('GET', `/v1/replication/items/pull?${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.data as {
        documents: Record<string, unknown>[];
        checkpoint: { id: string; updatedAt: number };
      };
    };
    const applied = () => sync!.inbox.versions().catalog ?? 0;
    // HQ deletes only what it has published: publish the item as it is, then delete it.
    const v0 = applied();
    await publish(hq.db, {
      stream: 'catalog',
      mode: 'delta',
      store_ids: [STORE],
      document: { items: [bread] },
    });
    await until(() => applied() > v0, 60_000, 'the upsert applied at the hub');
    let at = await pull(null);
    for (let page = at; page.documents.length > 0;) {
      at = page;
      page = await pull(page.checkpoint);
    }
    const checkpoint = at.checkpoint;
    const before = (await kiosk.req('POST', '/v1/baskets', {})).body.data.basket_id as string;
    expect((await kiosk.req('POST', `/v1/baskets/${before}/lines`, { code: BREAD })).status).toBe(201);

    const v1 = applied();
    const r = await publish(hq.db, {
      stream: 'catalog',
      mode: 'delta',
      store_ids: [STORE],
      document: { items: [] },
      deletes: [bread.item_id as string],
    });
    expect(r.plan.stores[0]!.diff.removed).toEqual([bread.item_id]);
    expect(r.publications[0]!.counts.deletes).toBe(1);
    await until(() => applied() > v1, 60_000, 'the delete applied at the hub');
    const after = await pull(checkpoint);
    expect(after.documents.map((d) => [d.id, d._deleted])).toEqual([[bread.item_id, true]]);
    await until(
      async () => {
        const b = (await kiosk.req('POST', '/v1/baskets', {})).body.data.basket_id as string;
        const add = await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: BREAD });
        // The fixture's codes are not valid EAN-13s: the hub takes them only as catalogue codes,
        // so once the item is gone the code is read as a barcode and refused for its check digit.
        return (
          (add.status === 404 && add.body.error?.code === 'ITEM_NOT_FOUND') ||
          (add.status === 422 && add.body.error?.details?.refusal === 'BAD_CHECK_DIGIT')
        );
      },
      30_000,
      'the deleted item to stop selling',
    );
  });
});
