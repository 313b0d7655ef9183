/**
 * Shared by the hub's sync tests: a real hub database (the hub's own migrations) in a temp dir,
 * the hub's outbox writer as the relay's enqueue.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../src/platform/db/database';
import { openDatabase } from '../src/platform/db/database';
import { enqueueOutbox } from '../src/outbox';
import type { Enqueue } from '../src/sync/types';

export function tempHubDb(): { db: Db; dir: string; close(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-sync-'));
  const db = openDatabase(dir);
  return {
    db,
    dir,
    close() {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The hub's own enqueue (its one envelope builder), for a store in London. */
export function hubEnqueue(db: Db, storeId: string): Enqueue {
  const store = { store_id: storeId, timezone: 'Europe/London', business_day_offset_minutes: 0 };
  return (e) => {
    enqueueOutbox(db, store, e);
  };
}

/** n analytics events in one transaction, as scans would write them. */
export function writeScans(db: Db, enqueue: Enqueue, n: number, storeId: string): void {
  db.transaction(() => {
    for (let i = 0; i < n; i++)
      enqueue({
        type: 'analytics.event',
        key: storeId,
        device_id: null,
        data: { verb: 'item_scan', code: String(i), success: true },
      });
  })();
}
