/**
 * The kiosk's RxDB database (Dexie/IndexedDB in the browser; any RxStorage in tests) and its
 * replication with the hub: HTTP pull with checkpoints for the reference data, push for the
 * kiosk's baskets, and the hub's socket.io `replication.changed` (the changed documents of one
 * collection at a time) fed into that collection's `pull.stream$`.
 */
import { addRxPlugin, createRxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import type { RxCollection, RxDatabase, RxReplicationPullStreamItem, RxStorage } from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { Subject } from 'rxjs';
import type { LiveEventPayload } from '@kassa/store-hub/client';
import type { HubClient } from '../hub/client';
import type { KioskBasketDoc, ReferenceCollection, ReferenceDoc } from './collections';
import { basketSchema, REFERENCE_COLLECTIONS, referenceSchema, toReferenceDoc } from './collections';
import type { HubItemDoc, ItemBucketDoc } from './item-buckets';
import { itemBucketMigrations, itemBucketSchema, ItemBuckets, readItems } from './item-buckets';

export type KioskCollections = Record<Exclude<ReferenceCollection, 'items'>, RxCollection<ReferenceDoc>> & {
  /** The catalogue as item buckets (item-buckets.ts), not one document per item. */
  items: RxCollection<ItemBucketDoc>;
  baskets: RxCollection<KioskBasketDoc>;
};

let migrationPlugin = false;
export type KioskDatabase = RxDatabase<KioskCollections>;

export async function openKioskDatabase(
  name: string,
  storage: RxStorage<unknown, unknown>,
): Promise<KioskDatabase> {
  if (!migrationPlugin) {
    addRxPlugin(RxDBMigrationSchemaPlugin);
    migrationPlugin = true;
  }
  const db = await createRxDatabase<KioskCollections>({
    name,
    storage,
    multiInstance: false,
    closeDuplicates: true,
  });
  const ref = { schema: referenceSchema };
  await db.addCollections({
    store_config: ref,
    tax_rows: ref,
    categories: ref,
    promotions: ref,
    items: { schema: itemBucketSchema, migrationStrategies: itemBucketMigrations },
    baskets: {
      schema: basketSchema,
      // The kiosk is the only writer of its own baskets: its state wins a conflict. The hub's
      // ordering stamp (`updatedAt`) is not content and is ignored when comparing.
      conflictHandler: {
        isEqual: (a, b) => sameBasket(a, b),
        resolve: async (i) => ({ ...i.newDocumentState, updatedAt: i.realMasterState.updatedAt }),
      },
    },
  });
  return db;
}

function sameBasket(a: KioskBasketDoc & { _deleted?: boolean }, b: KioskBasketDoc & { _deleted?: boolean }) {
  const strip = ({ updatedAt: _u, ...rest }: KioskBasketDoc & { _deleted?: boolean }) => rest;
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

type Checkpoint = { id: string; updatedAt: number };

export interface KioskReplication {
  states: RxReplicationState<unknown, Checkpoint>[];
  /**
   * Feeds a `replication.changed` event into the pull streams of the collections it names, or
   * `'RESYNC'` (after a reconnect) into all of them.
   */
  changed(e: LiveEventPayload<'replication.changed'> | 'RESYNC'): void;
  /** Highest hub stamp the kiosk is known to have fully pulled. */
  caughtUpTo(): number;
  /** Resolves once every collection has pulled what the hub has now. */
  inSync(): Promise<void>;
  cancel(): Promise<void>;
}

/** Hub item documents taken per pull call (bounds the kiosk's memory during a first pull). */
const ITEMS_PER_CALL = 100_000;

export interface ReplicationOptions {
  /** Page size asked of the hub (it clamps to its advertised pull_max_limit). */
  batchSize?: number;
  /** Called when caughtUpTo() advances. */
  onCaughtUp?: (stamp: number) => void;
  onError?: (err: unknown) => void;
  live?: boolean;
}

export function replicateWithHub(
  db: KioskDatabase,
  hub: HubClient,
  opts: ReplicationOptions = {},
): KioskReplication {
  const streams = new Map<string, Subject<RxReplicationPullStreamItem<unknown, Checkpoint>>>();
  const states: RxReplicationState<unknown, Checkpoint>[] = [];
  const batchSize = opts.batchSize ?? 1000;
  let caught = 0;
  let pendingStamp = 0;

  for (const name of REFERENCE_COLLECTIONS) {
    if (name === 'items') continue;
    const stream = new Subject<RxReplicationPullStreamItem<unknown, Checkpoint>>();
    streams.set(name, stream);
    const state = replicateRxCollection<ReferenceDoc, Checkpoint>({
      collection: db[name],
      replicationIdentifier: `kassa-hub-${name}-${hub.origin || 'same-origin'}`,
      live: opts.live ?? true,
      retryTime: 1000,
      waitForLeadership: false,
      autoStart: true,
      pull: {
        batchSize,
        stream$: stream.asObservable() as never,
        async handler(checkpoint, limit) {
          const r = await hub.pull(name, checkpoint ?? undefined, limit);
          return {
            documents: r.documents.map((d) => toReferenceDoc(name, d)),
            checkpoint: r.checkpoint ?? checkpoint ?? undefined,
          } as never;
        },
        modifier: (d) => d,
      },
    });
    if (opts.onError) state.error$.subscribe(opts.onError);
    states.push(state as unknown as RxReplicationState<unknown, Checkpoint>);
  }

  // The catalogue: hub items merged into buckets. RxDB pulls again as long as a call answers
  // documents (batchSize 1), and each call takes every hub page up to ITEMS_PER_CALL, so a first
  // replication writes each bucket once or twice instead of once per page.
  const buckets = new ItemBuckets(db.items);
  const itemStream = new Subject<RxReplicationPullStreamItem<unknown, Checkpoint>>();
  streams.set('items', itemStream);
  let pulling = 0;
  let pulls = 0;
  const items = replicateRxCollection<ItemBucketDoc, Checkpoint>({
    collection: db.items,
    replicationIdentifier: `kassa-hub-item-buckets-${hub.origin || 'same-origin'}`,
    live: opts.live ?? true,
    retryTime: 1000,
    waitForLeadership: false,
    autoStart: true,
    pull: {
      batchSize: 1,
      stream$: itemStream.asObservable() as never,
      async handler(checkpoint) {
        pulling++;
        pulls++;
        try {
          const docs: HubItemDoc[] = [];
          let cp = checkpoint ?? undefined;
          while (docs.length < ITEMS_PER_CALL) {
            const r = await hub.pull('items', cp, batchSize);
            docs.push(...r.documents);
            cp = r.checkpoint ?? cp;
            if (r.documents.length < batchSize) break;
          }
          return { documents: await buckets.merge(docs), checkpoint: cp } as never;
        } finally {
          pulling--;
        }
      },
    },
  });
  if (opts.onError) items.error$.subscribe(opts.onError);
  states.push(items as unknown as RxReplicationState<unknown, Checkpoint>);

  /**
   * Announced item changes, merged into their buckets and fed to the stream. The merged state
   * must reach RxDB in the order it was made: if a pull ran while this merge did, its buckets
   * may be older or newer than these, and RxDB persists stream items after the pull — so the
   * merge is not sent, and a RESYNC (one pull from the checkpoint) settles it instead.
   */
  let itemChanges: Promise<void> = Promise.resolve();
  const announceItems = (documents: HubItemDoc[], checkpoint: Checkpoint): void => {
    const startedAt = pulls;
    const idle = pulling === 0;
    itemChanges = itemChanges
      .then(async () => {
        const merged = await buckets.merge(documents);
        if (idle && pulling === 0 && pulls === startedAt)
          itemStream.next({ documents: merged, checkpoint } as never);
        else itemStream.next('RESYNC');
      })
      .catch((err: unknown) => opts.onError?.(err));
  };

  const baskets = replicateRxCollection<KioskBasketDoc, Checkpoint>({
    collection: db.baskets,
    replicationIdentifier: `kassa-hub-baskets-${hub.origin || 'same-origin'}`,
    live: opts.live ?? true,
    retryTime: 1000,
    waitForLeadership: false,
    push: {
      batchSize: 100,
      async handler(rows) {
        return (await hub.push('baskets', rows)) as never;
      },
    },
  });
  if (opts.onError) baskets.error$.subscribe(opts.onError);
  states.push(baskets as unknown as RxReplicationState<unknown, Checkpoint>);

  const inSync = async (): Promise<void> => {
    await itemChanges;
    await Promise.all(states.map((s) => s.awaitInSync()));
  };
  let settling: Promise<void> | null = null;
  const settle = (): void => {
    // Once every pull has caught up, the kiosk holds everything up to the announced stamp.
    const target = pendingStamp;
    settling = (settling ?? Promise.resolve())
      .then(inSync)
      .then(() => {
        if (target > caught) {
          caught = target;
          opts.onCaughtUp?.(caught);
        }
      })
      .catch((err: unknown) => opts.onError?.(err));
  };

  return {
    states,
    changed(e) {
      if (e === 'RESYNC') {
        // After a (re)connect: the kiosk may have missed announcements, so every collection
        // pulls from its own checkpoint.
        for (const s of streams.values()) s.next('RESYNC');
        return;
      }
      for (const c of e.changes ?? []) {
        if (c.collection === 'items') {
          announceItems(c.documents, c.checkpoint);
          continue;
        }
        const stream = streams.get(c.collection);
        if (!stream) continue; // not a collection this kiosk keeps
        // The changed documents themselves, for this collection only: no round trip.
        stream.next({
          documents: c.documents.map((d) => toReferenceDoc(c.collection as ReferenceCollection, d)),
          checkpoint: c.checkpoint,
        } as never);
      }
      // Too many changes to carry in one event (a whole import): pull just that collection.
      for (const name of e.pull ?? []) streams.get(name)?.next('RESYNC');
      pendingStamp = Math.max(pendingStamp, e.checkpoint);
      settle();
    },
    caughtUpTo: () => caught,
    inSync,
    async cancel() {
      await Promise.all(states.map((s) => s.cancel()));
      for (const s of streams.values()) s.complete();
    },
  };
}

/** The reference data as rows `{ updatedAt, doc }` per collection (items unpacked from buckets). */
export async function readReferenceData(
  db: KioskDatabase,
): Promise<Record<ReferenceCollection, { updatedAt: number; doc: Record<string, unknown> }[]>> {
  const rows = async (name: Exclude<ReferenceCollection, 'items'>) =>
    (await db[name].find().exec()).map((d) => ({ updatedAt: d.updatedAt, doc: d.doc }));
  const [store_config, tax_rows, categories, promotions, items] = await Promise.all([
    rows('store_config'),
    rows('tax_rows'),
    rows('categories'),
    rows('promotions'),
    readItems(db.items),
  ]);
  return { store_config, tax_rows, categories, promotions, items };
}
