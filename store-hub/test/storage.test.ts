import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDemoStore } from '../../scripts/demo-data/generate';
import { importDoc, readImportFile } from '../src/modules/catalog/import';
import { migrate, openDatabase, SchemaTooNewError } from '../src/platform/db/database';
import { MIGRATIONS } from '../src/platform/db/migrations';
import { FIXTURE, removeTempDirs, tempDataDir } from './harness';

afterAll(removeTempDirs);

describe('storage', () => {
  it('opens in WAL mode with foreign keys and migrates once', () => {
    const db = openDatabase(tempDataDir());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(migrate(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it('upgrades a database written by an older hub forward', () => {
    const db = openDatabase(tempDataDir(), { migrate: false });
    expect(migrate(db, MIGRATIONS.slice(0, 1))).toBe(1);
    const t = '2025-01-01T00:00:00.000Z';
    db.prepare(
      `INSERT INTO devices VALUES ('d1', 'K1', 'self_checkout', 'web', 'K1', 'h', NULL, ?, NULL)`,
    ).run(t);
    db.prepare(
      `INSERT INTO baskets(basket_id, device_id, state, created_at, updated_at) VALUES ('b1', 'd1', 'checked_out', ?, ?)`,
    ).run(t, t);
    db.prepare(
      `INSERT INTO orders(order_id, o_id, basket_id, device_id, order_status, payment_status, total, currency, priced, created_at)
       VALUES ('o1', 100000, 'b1', 'd1', 'created', 'not_captured', 120, 'GBP', '{}', ?)`,
    ).run(t);
    db.prepare(`INSERT INTO payments(order_id, status, total) VALUES ('o1', 'waiting', 120)`).run();
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(db.prepare(`SELECT order_id, total FROM orders`).all()).toEqual([{ order_id: 'o1', total: 120 }]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const cols = (db.prepare(`PRAGMA table_info(orders)`).all() as { name: string }[]).map((c) => c.name);
    expect(cols).toContain('receipt_input');
    db.close();
  });

  it('refuses a database newer than the code', () => {
    const dir = tempDataDir();
    const db = openDatabase(dir);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDatabase(dir)).toThrow(SchemaTooNewError);
  });

  it('a failing migration leaves the database at the previous version', () => {
    const db = openDatabase(tempDataDir(), { migrate: false });
    const bad = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'broken',
        sql: 'CREATE TABLE x (a INT); CREATE TABLE x (a INT);',
      },
    ];
    expect(() => migrate(db, bad)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'x'`).get()).toBeUndefined();
    db.close();
  });
});

describe('import', () => {
  it('is all-or-nothing per file and reports rejected rows', async () => {
    const dir = tempDataDir();
    const db = openDatabase(dir);
    expect((await importDoc(db, readImportFile(FIXTURE))).applied).toBe(true);
    const csv = path.join(dir, 'items-update.csv');
    fs.writeFileSync(
      csv,
      'item_id,product_identifier,item_name,base_price,tax_code,requires_approval\n' +
        'soap,5000000000062,Soap,1.10,STD,false\n' +
        'bad,5000000000079,Bad price,1.999,STD,false\n' +
        'dup,5000000000017,Steals the milk code,2.00,STD,no\n',
    );
    const report = await importDoc(db, readImportFile(csv), csv);
    expect(report.applied).toBe(false);
    expect(report.rejected.map((r) => r.id)).toEqual(['bad', 'dup']);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM catalog_items WHERE item_id = 'soap'`).get()).toEqual({
      n: 0,
    });
    fs.writeFileSync(
      csv,
      'item_id,product_identifier,item_name,base_price,tax_code,additional_barcodes\nsoap,5000000000062,Soap,1.10,STD,5000000000086|5000000000093\n',
    );
    const ok = await importDoc(db, readImportFile(csv), csv);
    expect(ok.applied).toBe(true);
    expect(db.prepare(`SELECT item_id FROM item_codes WHERE code = '5000000000093'`).get()).toEqual({
      item_id: 'soap',
    });
    db.close();
  });

  it('rejects promotions that promo-core finds invalid', async () => {
    const db = openDatabase(tempDataDir());
    const report = await importDoc(db, {
      promotions: [
        {
          id: 'P1',
          retailer: 'X',
          family: 'e',
          start_date_time: '2025-01-01T00:00:00Z',
          end_date_time: '2024-01-01T00:00:00Z',
          promo_groups: [],
        },
      ],
    });
    expect(report.applied).toBe(false);
    expect(report.rejected.length).toBeGreaterThan(0);
    db.close();
  });
});

describe('demo store generator', () => {
  const doc = generateDemoStore() as {
    items: {
      product_identifier: string;
      unit_of_measure?: string;
      requires_approval?: boolean;
      tax_code: string;
    }[];
    promotions: { family: string }[];
  };

  it('has ~3,000 items with valid unique EAN-13s, weighed produce, age-restricted items and two tax codes', () => {
    expect(doc.items.length).toBe(3000);
    const eans = doc.items.filter((i) => i.unit_of_measure !== 'kg').map((i) => i.product_identifier);
    for (const c of eans) {
      expect(c).toMatch(/^\d{13}$/);
      const sum = [...c.slice(0, 12)].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
      expect((10 - (sum % 10)) % 10).toBe(Number(c[12]));
    }
    expect(new Set(doc.items.map((i) => i.product_identifier)).size).toBe(doc.items.length);
    expect(doc.items.filter((i) => i.unit_of_measure === 'kg').length).toBeGreaterThan(30);
    expect(doc.items.filter((i) => i.requires_approval).length).toBeGreaterThan(50);
    expect(new Set(doc.items.map((i) => i.tax_code))).toEqual(new Set(['STD', 'ZERO']));
  });

  it('has about 40 promotions covering all 8 families, all accepted by the import', async () => {
    expect(doc.promotions.length).toBeGreaterThanOrEqual(35);
    expect(new Set(doc.promotions.map((p) => p.family))).toEqual(
      new Set(['e', 'p', 'c', 'l', 'b', 't', 'r', 'm']),
    );
    const db = openDatabase(tempDataDir());
    const report = await importDoc(db, doc);
    expect(report.rejected).toEqual([]);
    expect(report.applied).toBe(true);
    db.close();
  }, 60_000);
});

describe('outbox', () => {
  it('keeps hub_seq monotonic and tracks delivery for the relay', async () => {
    const { enqueueOutbox, outboxStatus, readOutbox, markOutboxSent, markOutboxFailed } =
      await import('../src/outbox');
    const db = openDatabase(tempDataDir());
    const store = { store_id: 's', timezone: 'Europe/Berlin', business_day_offset_minutes: 0 };
    const ev = (type: string, key: string, data: unknown) => ({ type, key, data, device_id: null });
    expect(() => enqueueOutbox(db, store, ev('order.completed', 'o0', {}))).toThrow(/inside/);
    const a = db.transaction(() => enqueueOutbox(db, store, ev('order.completed', 'o1', { n: 1 })))();
    const b = db.transaction(() => enqueueOutbox(db, store, ev('payment.attempt', 'o2', { n: 2 })))();
    expect(b.hub_seq).toBeGreaterThan(a.hub_seq);
    expect(readOutbox(db, 0, 10)).toMatchObject([
      { hub_seq: a.hub_seq, type: 'order.completed', key: 'o1' },
      { hub_seq: b.hub_seq },
    ]);
    markOutboxFailed(db, a.hub_seq, 'broker down');
    markOutboxSent(db, [a.hub_seq]);
    expect(outboxStatus(db)).toMatchObject({ backlog: 1, last_hub_seq: b.hub_seq });
    expect(() => db.transaction(() => enqueueOutbox(db, store, ev('order.completed', 'o1', {})))()).toThrow(
      /UNIQUE/,
    );
    db.close();
  });
});
