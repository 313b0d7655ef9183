import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildServices } from '../src/main';
import { importDoc } from '../src/modules/catalog/import';
import { openDatabase } from '../src/platform/db/database';
import { FIXTURE, removeTempDirs, tempDataDir } from './harness';

afterAll(removeTempDirs);

describe('idle baskets (§2.1 B14)', () => {
  it('expires an active basket left untouched past the store limit and logs basket_abandoned', async () => {
    const db = openDatabase(tempDataDir());
    const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { store_config: Record<string, unknown> };
    doc.store_config.basket_idle_expiry_seconds = 120;
    expect((await importDoc(db, doc as never)).applied).toBe(true);
    const { services, terminal } = buildServices(db, pino({ level: 'silent' }), { dataDir: tempDataDir() });
    const { bus, pairing, baskets: sales } = services;
    const seen: string[] = [];
    bus.on('event', (e) => seen.push(e.name));
    const { device_id } = pairing.pair({
      code: pairing.createCode().code,
      name: 'K1',
      retailer_device_id: 'K1',
      kind: 'self_checkout',
      platform: 'web',
      lane_device_id: null,
      replace: false,
    });
    const device = pairing.repo.get(device_id)!;
    const b = sales.createBasket(device, null);
    expect(sales.expireIdleBaskets(Date.now() + 60_000)).toEqual([]);
    expect(sales.expireIdleBaskets(Date.now() + 121_000)).toEqual([b.basket_id]);
    expect(sales.get(device, b.basket_id).state).toBe('expired');
    expect(seen).toContain('basket.updated');
    const ev = db.prepare(`SELECT envelope FROM outbox WHERE type = 'analytics.event'`).get() as {
      envelope: string;
    };
    expect(JSON.parse(ev.envelope).data).toMatchObject({ verb: 'basket_abandoned', basket_id: b.basket_id });
    terminal.close();
    db.close();
  });
});
