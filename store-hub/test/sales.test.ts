import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceRow } from '../src/auth';
import { createPairingCode, pairDevice } from '../src/auth';
import { Bus } from '../src/bus';
import { openDatabase } from '../src/db/database';
import { importDoc } from '../src/import';
import { Sales } from '../src/sales';
import { StoreDataCache } from '../src/store-data';
import { FIXTURE, removeTempDirs, tempDataDir } from './harness';

afterAll(removeTempDirs);

describe('idle baskets (§2.1 B14)', () => {
  it('expires an active basket left untouched past the store limit and logs basket_abandoned', async () => {
    const db = openDatabase(tempDataDir());
    const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { store_config: Record<string, unknown> };
    doc.store_config.basket_idle_expiry_seconds = 120;
    expect((await importDoc(db, doc as never)).applied).toBe(true);
    const bus = new Bus();
    const seen: string[] = [];
    bus.on('event', (e) => seen.push(e.name));
    const sales = new Sales(db, new StoreDataCache(db), bus);
    const { device_id } = pairDevice(db, {
      code: createPairingCode(db).code,
      name: 'K1',
      retailer_device_id: 'K1',
      kind: 'self_checkout',
      platform: 'web',
      lane_device_id: null,
    });
    const device = db.prepare(`SELECT * FROM devices WHERE device_id = ?`).get(device_id) as DeviceRow;
    const b = sales.createBasket(device, null) as { basket_id: string };
    expect(sales.expireIdleBaskets(Date.now() + 60_000)).toEqual([]);
    expect(sales.expireIdleBaskets(Date.now() + 121_000)).toEqual([b.basket_id]);
    expect(sales.get(device, b.basket_id).state).toBe('expired');
    expect(seen).toContain('basket.updated');
    const ev = db.prepare(`SELECT envelope FROM outbox WHERE type = 'analytics.event'`).get() as {
      envelope: string;
    };
    expect(JSON.parse(ev.envelope).data).toMatchObject({ verb: 'basket_abandoned', basket_id: b.basket_id });
    db.close();
  });
});
