/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * What the real hub writes to its outbox today, decoded with the protocol: a hub process on a
 * temp data dir, a checkout, a declined tender and a cancelled order, then every outbox event
 * through decodeEvent on the store's topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, RunningHub } from '../../../store-hub/test/harness';
import {
  importFile,
  pairKiosk,
  removeTempDirs,
  staffClient,
  startHubProcess,
  tempDataDir,
} from '../../../store-hub/test/harness';
import { decodeEvent, storeEventsTopic } from '../../src/protocol';

let hub: RunningHub;
let kiosk: Client;
let staff: Client;
const MILK = '5000000000017';
const BREAD = '5000000000024';

beforeAll(async () => {
  const dir = tempDataDir();
  expect(importFile(dir).code).toBe(0);
  hub = await startHubProcess(dir, ['--terminal-timeout-ms', '600']);
  ({ client: kiosk } = await pairKiosk(hub.url, hub.pairingCode));
  staff = await staffClient(hub.url);
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  removeTempDirs();
});

async function order(codes: string[]): Promise<string> {
  const b = (await kiosk.req('POST', '/v1/baskets', {})).body.data.basket_id as string;
  for (const code of codes) await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code });
  const o = await kiosk.req('POST', '/v1/orders', { basket_id: b });
  expect(o.status, JSON.stringify(o.body)).toBe(201);
  return o.body.data.order_id as string;
}

describe("the hub's outbox events against the protocol", () => {
  it('every event decodes, order.completed as the full §6.4 snapshot with the audit basket', async () => {
    const paid = await order([MILK, BREAD]);
    expect((await kiosk.req('POST', `/v1/orders/${paid}/tenders`, {})).body.data.order_status).toBe(
      'completed',
    );
    const declined = await order([MILK]);
    await kiosk.req('POST', `/v1/orders/${declined}/tenders`, { simulate: 'decline' });
    await kiosk.req('POST', `/v1/orders/${declined}/abort`, {});
    const events = (await staff.req('GET', '/v1/sync/outbox?after=0&limit=1000')).body.data as any[];
    const types = new Set(events.map((e) => e.type));
    expect(types).toContain('order.completed');
    expect(types).toContain('payment.attempt');
    const topic = storeEventsTopic(events[0].store_id);
    for (const e of events) {
      const r = decodeEvent(JSON.stringify(e), { topic, direction: 'store_to_cloud' });
      expect(r.ok, `${e.type}: ${JSON.stringify(!r.ok && r.reason)}`).toBe(true);
    }
    const completed = events.find((e) => e.type === 'order.completed');
    expect(completed.data.order.order_id).toBe(paid);
    expect(completed.data.items).toHaveLength(2);
    expect(completed.data.payment.captured_amount).toBe(completed.data.totals.total_after_tax);
    expect(completed.data.audit?.basket).toBeTruthy();
  }, 60_000);
});
