/**
 * Data changes never stall sales (issue 8 §3): a catalogue import while a kiosk scans is built
 * in the background and swapped in whole. Asserted as ordering and behaviour, not time: scans
 * complete while the new data is still being built, they are priced with the old version until
 * the swap, and with the new one after it; a kiosk document push does not cause a rebuild.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import { buildServices } from '../src/main';
import { importDoc } from '../src/modules/catalog/import';
import type { PairedClient } from '../src/modules/clients/repo';
import type { Db } from '../src/platform/db/database';
import { nextStamp, openDatabase } from '../src/platform/db/database';
import type { Services } from '../src/services';
import { removeTempDirs, tempDataDir } from './harness';

type DemoItem = {
  item_id: string;
  product_identifier: string;
  base_price: string;
  requires_approval?: boolean;
  unit_of_measure?: string;
};

let db: Db;
let services: Services;
let terminal: { close(): void };
let device: PairedClient;
let items: DemoItem[];

beforeAll(async () => {
  const dir = tempDataDir();
  db = openDatabase(dir);
  const doc = generateDemoStore() as unknown as { items: DemoItem[] };
  await importDoc(db, doc as unknown as Record<string, unknown[]>);
  items = doc.items.filter((i) => !i.requires_approval && (i.unit_of_measure ?? 'each') === 'each');
  const built = buildServices(db, pino({ level: 'silent' }), { dataDir: dir });
  services = built.services;
  terminal = built.terminal;
  const { pairing } = services;
  const { device_id } = pairing.pair({
    code: pairing.createCode().code,
    name: 'S',
    retailer_device_id: 'S1',
    kind: 'self_checkout',
    platform: 'android_kiosk',
    lane_device_id: null,
    replace: false,
  });
  device = pairing.repo.get(device_id)!;
}, 60_000);

afterAll(() => {
  terminal.close();
  db.close();
  removeTempDirs();
});

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('StoreData off the request path', () => {
  it('keeps scanning on the old data while an import is built, then swaps the new data in whole', async () => {
    const old = services.store.storeData();
    const b = services.baskets.createBasket(device, null);
    const target = items[3]!;
    // A price change to one item, committed like any import (the whole catalogue rebuilds).
    const report = await importDoc(db, { items: [{ ...target, base_price: '77.70' }] } as never);
    expect(report.applied).toBe(true);

    const order: string[] = [];
    const live = services.store.refresh().then(() => order.push('new data live'));
    const scanned: { dataVersion: string; price: string }[] = [];
    for (let i = 0; i < 40 && !order.includes('new data live'); i++) {
      const r = services.baskets.addLine(device, b.basket_id, {
        code: items[10 + i]!.product_identifier,
        quantity: 1,
      });
      scanned.push({
        dataVersion: String(r.basket.priced.data_version),
        price: r.basket.priced.lines!.at(-1)!.selling_price,
      });
      order.push('scan');
      await tick();
    }
    await live;
    // Scans were answered while the build was running, all with the version they started on.
    expect(order[0]).toBe('scan');
    expect(order.indexOf('new data live')).toBeGreaterThan(0);
    expect(new Set(scanned.map((s) => s.dataVersion))).toEqual(new Set([old.data_version]));

    const now = services.store.storeData();
    expect(now).not.toBe(old);
    expect(now.data_version).not.toBe(old.data_version);
    const after = services.baskets.addLine(device, b.basket_id, {
      code: target.product_identifier,
      quantity: 1,
    });
    const line = after.basket.priced.lines!.find((l) => l.line_id === after.line_id)!;
    expect(line.base_price).toBe('77.70');
    expect(after.basket.priced.data_version).toBe(now.data_version);
  }, 60_000);

  it('does not rebuild for replicated writes that are not reference data (kiosk documents)', () => {
    const data = services.store.storeData();
    services.tx.run(() => {
      nextStamp(db); // what a kiosk push does to the replication clock
    });
    expect(services.store.storeData()).toBe(data);
  });
});
