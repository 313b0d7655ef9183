/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The store config's `kiosk` section (issue 11 §2, the hub's storeConfigSchema) reaches a
 * running kiosk through replication and changes what it does: with
 * `staff_approval_for_changes` off, the shopper removes a line; after HQ (here: a staff import)
 * turns it on, the same action asks for staff and leaves the line. The whole kiosk controller
 * runs against a real hub process, on RxDB memory storage, and the config arrives in the
 * change event itself (no pull of store_config).
 */
import fs from 'node:fs';
import path from 'node:path';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairKiosk } from '../scripts/pair-url';
import { KioskController } from '../src/basket/controller';
import { openKioskDatabase } from '../src/data/database';
import { HubClient } from '../src/hub/client';
import type { DemoStore, RunningHub } from './support/hub';
import { api, demoStore, importStore, staffToken, startHub, tempDir } from './support/hub';

let dir: string;
let hub: RunningHub;
let store: DemoStore;

beforeAll(async () => {
  dir = tempDir('kassa-kiosk-config-');
  store = demoStore(dir, 600);
  const data = path.join(dir, 'hub');
  importStore(data, store.file);
  hub = await startHub(data);
}, 120_000);

afterAll(async () => {
  await hub?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function until(ok: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 800; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the kiosk section of the store config', () => {
  it('staff_approval_for_changes set at the hub reaches the kiosk and makes a removal ask for staff', async () => {
    const { token } = await pairKiosk({ hubUrl: hub.url, name: 'CFG1' });
    const pulls: string[] = [];
    const counting = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const u = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const m = /^\/v1\/replication\/([^/]+)\/pull$/.exec(u.pathname);
      if (m) pulls.push(m[1]!);
      return fetch(input, init);
    }) as typeof fetch;
    const hubClient = new HubClient({ origin: hub.url, token: () => token, fetch: counting });
    const db = await openKioskDatabase('cfg1', getRxStorageMemory());
    const c = new KioskController({ hub: hubClient, db, token });
    try {
      await c.start();
      await until(() => c.getState().synced && c.getState().online, 'synced and online');
      expect(c.getState().store!.config.kiosk.staff_approval_for_changes).toBe(false);
      const code = (
        store.doc.items.find((i: any) => i.unit_of_measure !== 'kg' && !i.minimum_age_required) as any
      ).product_identifier as string;

      c.chooseLanguage('en');
      await c.scan(code);
      await until(() => c.getState().basket?.lines.length === 1, 'the first line');
      await c.removeLine(c.getState().basket!.lines[0]!.line_id);
      expect(c.getState().basket!.lines).toHaveLength(0);
      expect(c.getState().staffPrompt).toBeNull();

      const configPulls = pulls.filter((p) => p === 'store_config').length;
      const staff = await staffToken(hub.url);
      const cfg = { ...(store.doc as any).store_config, kiosk: { staff_approval_for_changes: true } };
      const r = await api(hub.url, 'POST', '/v1/catalog/import', staff, { store_config: cfg });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await until(
        () => c.getState().store?.config.kiosk.staff_approval_for_changes === true,
        'the kiosk section in the kiosk',
      );
      // Carried by the change event: the kiosk did not pull its store config again.
      expect(pulls.filter((p) => p === 'store_config').length).toBe(configPulls);

      await c.scan(code);
      await until(() => c.getState().basket?.lines.length === 1, 'the second line');
      const lineId = c.getState().basket!.lines[0]!.line_id;
      await c.removeLine(lineId);
      expect(c.getState().staffPrompt).toMatchObject({
        reason: 'approval',
        pending: { kind: 'remove', line_id: lineId },
      });
      expect(c.getState().basket!.lines.map((l) => l.line_id)).toEqual([lineId]);
    } finally {
      await c.stop();
      await db.close();
    }
  }, 120_000);
});
