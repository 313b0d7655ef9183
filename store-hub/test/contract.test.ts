/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The schema-first API: every bound route is in /openapi.json with its parameters, body,
 * answer and error codes; the typed client reaches the real hub through the same contracts,
 * and its import graph holds nothing a browser cannot load.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { orderSnapshotSchema } from '@kassa/cloud-sync/protocol';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../src/api/endpoints';
import { laneEndpoints } from '../src/lanes/schemas';
import { basketEndpoints } from '../src/modules/baskets/schemas';
import { catalogEndpoints } from '../src/modules/catalog/schemas';
import { clientEndpoints } from '../src/modules/clients/schemas';
import { interventionEndpoints } from '../src/modules/interventions/schemas';
import { orderEndpoints } from '../src/modules/orders/schemas';
import { tenderEndpoints } from '../src/modules/payments/endpoints';
import { receiptEndpoints } from '../src/modules/receipts/endpoints';
import { replicationEndpoints } from '../src/modules/replication/schemas';
import { staffEndpoints } from '../src/modules/staff/schemas';
import { outboxEndpoints } from '../src/outbox/schemas';
import { createHubClient, HubApiError, onLiveEvent } from '../src/client';
import { startHub } from '../src/main';
import type { Endpoint } from '../src/platform/http/contract';
import { openApiPath } from '../src/platform/http/contract';
import type { RunningHub } from './harness';
import { importFile, removeTempDirs, startHubProcess, tempDataDir } from './harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const MILK = '5000000000017';
const HUB_ENDPOINT_IDS = Object.keys({
  ...catalogEndpoints,
  ...clientEndpoints,
  ...staffEndpoints,
  ...basketEndpoints,
  ...interventionEndpoints,
  ...orderEndpoints,
  ...tenderEndpoints,
  ...receiptEndpoints,
  ...laneEndpoints,
  ...replicationEndpoints,
  ...outboxEndpoints,
});

let hub: RunningHub;
beforeAll(async () => {
  const dir = tempDataDir();
  expect(importFile(dir).code).toBe(0);
  hub = await startHubProcess(dir);
}, 60_000);
afterAll(async () => {
  await hub?.stop();
  removeTempDirs();
});

describe('OpenAPI from the zod contracts', () => {
  it('lists every bound route with its parameters, body, answer schema and error codes', async () => {
    const inProcess = await startHub({ dataDir: tempDataDir(), logLevel: 'silent' });
    const bound = inProcess.endpoints;
    await inProcess.close();
    // Every route the hub binds has a contract, and every contract of the hub's own modules is bound
    // (extensions bind theirs through the same router when the hub runs with them).
    const ids = new Set(bound.map((e) => e.id));
    for (const id of ids) expect(Object.keys(ENDPOINTS)).toContain(id);
    for (const id of HUB_ENDPOINT_IDS) expect(ids.has(id), id).toBe(true);
    const doc = (await (await fetch(`${hub.url}/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    for (const e of Object.values(ENDPOINTS) as Endpoint[]) {
      const op = doc.paths[openApiPath(e.path)]?.[e.method];
      expect(op, `${e.method} ${e.path}`).toBeDefined();
      expect(op.operationId).toBe(e.id);
      for (const s of e.status)
        expect(op.responses[String(s)].content['application/json'].schema.properties.data).toBeDefined();
      const errorCodes = Object.entries(op.responses)
        .filter(([s]) => Number(s) >= 400)
        .flatMap(
          ([, r]: [string, any]) =>
            r.content['application/json'].schema.properties.error.properties.code.enum,
        );
      for (const code of e.errors) expect(errorCodes).toContain(code);
      if (e.auth === 'device') expect(errorCodes).toContain('DEVICE_UNAUTHENTICATED');
      for (const name of (e.path.match(/:(\w+)/g) ?? []).map((m) => m.slice(1)))
        expect(op.parameters.some((p: any) => p.in === 'path' && p.name === name)).toBe(true);
      if (e.query)
        for (const name of Object.keys((e.query as any).shape ?? {}))
          expect(
            op.parameters.some((p: any) => p.in === 'query' && p.name === name),
            `${e.id} ?${name}`,
          ).toBe(true);
      if (e.body) expect(op.requestBody.content['application/json'].schema).toBeDefined();
    }
    expect(
      doc.paths['/v1/baskets/{id}/lines'].post.requestBody.content['application/json'].schema.properties
        .quantity.maximum,
    ).toBe(999);
    expect(Object.keys(doc['x-live-events'])).toContain('basket.updated');
  });
});

describe('the typed client', () => {
  it('pairs, scans, checks out and pays against the real hub, and hears live events', async () => {
    const anon = createHubClient({ baseUrl: hub.url });
    const paired = await anon.pairDevice({
      body: { code: hub.pairingCode, name: 'C1', retailer_device_id: 'C1' },
    });
    const kiosk = createHubClient({ baseUrl: hub.url, token: paired.token });
    const socket = io(hub.url, { auth: { token: paired.token }, transports: ['websocket'] });
    const updates: number[] = [];
    onLiveEvent(socket, 'basket.updated', (b) => updates.push(b.version));
    await new Promise<void>((r) => socket.on('connect', () => r()));
    const { basket } = await kiosk.startKioskSession({ body: {} });
    const added = await kiosk.addLine({
      params: { id: basket.basket_id },
      body: { code: MILK, quantity: 2 },
    });
    expect(added.basket.priced.lines?.[0]?.quantity).toBe(2);
    await expect(
      kiosk.addLine({ params: { id: basket.basket_id }, body: { code: '0000000000000' } }),
    ).rejects.toMatchObject({ status: 404, code: 'ITEM_NOT_FOUND' });
    const first = await kiosk.client.callWithStatus(ENDPOINTS.createOrder, {
      body: { basket_id: basket.basket_id },
    });
    expect(first.status).toBe(201);
    const again = await kiosk.client.callWithStatus(ENDPOINTS.createOrder, {
      body: { basket_id: basket.basket_id },
    });
    expect(again).toMatchObject({ status: 200, data: { order_id: first.data.order_id } });
    const paid = await kiosk.startTender({ params: { id: first.data.order_id }, body: {} });
    expect(paid.order_status).toBe('completed');
    const receipt = await kiosk.getReceipt({ params: { id: paid.order_id } });
    expect(receipt.qr_value).toBe(`kassa:order:${paid.order_id}`);
    await expect(kiosk.getOrder({ params: { id: 'nope' } })).rejects.toBeInstanceOf(HubApiError);
    expect(updates).toContain(added.basket.version);
    socket.close();
  });

  it('serves staff calls too: outbox status (with the sync relay’s state when it runs) and lockouts', async () => {
    const anon = createHubClient({ baseUrl: hub.url });
    const session = await anon.staffLogin({ body: { username: 'manager', pin: '123456' } });
    const staff = createHubClient({ baseUrl: hub.url, token: session.token });
    const status = await staff.syncStatus();
    expect(status).toMatchObject({
      backlog: expect.any(Number),
      last_hub_seq: expect.any(Number),
      sync: null,
    });
    expect(await staff.listLockouts()).toEqual([]);
    // order.completed carries the §6.4 snapshot HQ validates (cloud-sync's protocol schema).
    const events = await staff.readOutbox({ query: { after: 0, limit: 1000 } });
    const completed = events.filter((e) => e.type === 'order.completed');
    expect(completed.length).toBeGreaterThan(0);
    for (const e of completed) {
      const snap = orderSnapshotSchema.parse(e.data);
      expect(snap.order.order_id).toBe(e.key);
      expect(snap.payment.tenders.length).toBeGreaterThan(0);
    }
  });

  it('imports nothing a browser cannot load (zod, schema files, promo-core only)', () => {
    const allowedBare = new Set(['zod', '@kassa/promo-core', 'bark-js']);
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) {
          const base = path.resolve(path.dirname(file), spec);
          const target = [base + '.ts', path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
          expect(target, `${spec} from ${file}`).toBeDefined();
          visit(target!);
        } else if (spec === '@kassa/promo-core') {
          visit(path.join(here, '..', '..', 'promo-core', 'src', 'index.ts'));
          bare.add(spec);
        } else bare.add(spec);
      }
    };
    visit(path.join(here, '..', 'src', 'client', 'index.ts'));
    expect([...bare].filter((b) => !allowedBare.has(b))).toEqual([]);
    expect([...seen].some((f) => f.includes(`${path.sep}client${path.sep}`))).toBe(true);
  });
});
