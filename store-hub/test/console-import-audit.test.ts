/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Every catalogue import leaves an audit row written in the import's own transaction (issue 12):
 * from the command line and over the API (staff with can_import), searchable in the console's
 * audit log; an import whose audit row cannot be written is not applied at all.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningHub } from './harness';
import { Client, FIXTURE, importFile, removeTempDirs, startHubProcess, tempDataDir } from './harness';

let hub: RunningHub | undefined;

afterAll(async () => {
  await hub?.stop();
  removeTempDirs();
});

const auditRows = (dataDir: string): any[] => {
  const db = new Database(path.join(dataDir, 'kassa-hub.sqlite'), { readonly: true });
  try {
    return db.prepare(`SELECT * FROM audit_log WHERE action = 'catalog.import' ORDER BY audit_id`).all();
  } finally {
    db.close();
  }
};

describe('catalogue import audit', { timeout: 60_000 }, () => {
  it('the command line and the API each write one audit row with what was imported', async () => {
    const dataDir = tempDataDir();
    const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const file = path.join(dataDir, 'store.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(importFile(dataDir, file).code).toBe(0);
    const [cli] = auditRows(dataDir);
    expect(cli).toMatchObject({
      staff_user_id: null,
      device_label: 'command line',
      subject: 'store.json',
      what: 'imported the store config, 4 items, 2 tax rows, 1 staff',
    });
    expect(JSON.parse(cli.details)).toMatchObject({ via: 'cli', counts: { items: 4 } });
    // No PIN or hash ever reaches the audit log.
    expect(cli.details).not.toMatch(/123456|argon2/);

    hub = await startHubProcess(dataDir);
    const staff = new Client(hub.url);
    staff.token = (
      await staff.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' })
    ).body.data.token;
    const item = { ...doc.items[1], selling_price: '2.50' };
    const r = await staff.req('POST', '/v1/catalog/import', { items: [item] });
    expect(r.status).toBe(200);
    // A rejected import writes nothing, so no audit row either.
    const bad = await staff.req('POST', '/v1/catalog/import', { items: [{ item_id: 'x' }] });
    expect(bad.status).toBe(422);
    const search = await staff.req('GET', '/v1/console/audit?action=catalog.import');
    expect(search.status).toBe(200);
    expect(search.body.data.entries.map((e: any) => [e.staff_username, e.device, e.what])).toEqual([
      ['manager', null, 'imported 1 items'],
      [null, 'command line', 'imported the store config, 4 items, 2 tax rows, 1 staff'],
    ]);
  });

  it('an import whose audit row cannot be written is not applied', () => {
    const dataDir = tempDataDir();
    expect(importFile(dataDir).code).toBe(0);
    const db = new Database(path.join(dataDir, 'kassa-hub.sqlite'));
    db.exec(
      `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
    );
    const before = db.prepare(`SELECT doc FROM catalog_items WHERE item_id = 'cola'`).get() as {
      doc: string;
    };
    db.close();
    const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const cola = doc.items.find((i: any) => i.item_id === 'cola');
    const file = path.join(dataDir, 'items.json');
    fs.writeFileSync(file, JSON.stringify({ items: [{ ...cola, base_price: '5.55' }] }));
    const r = importFile(dataDir, file);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/audit refused/);
    const after = new Database(path.join(dataDir, 'kassa-hub.sqlite'), { readonly: true });
    expect(after.prepare(`SELECT doc FROM catalog_items WHERE item_id = 'cola'`).get()).toEqual(before);
    after.close();
  });
});
