/** device.heartbeat per device, valid for HQ, and no pile-up while the outbox cannot drain. */
import { describe, expect, it } from 'vitest';
import { decodeEvent, storeEventsTopic } from '@kassa/cloud-sync/protocol';
import { Heartbeat } from '../src/sync/heartbeat';
import { hubEnqueue, tempHubDb } from './sync.support';

describe('heartbeats', () => {
  it('queues one valid heartbeat per device per beat, none while that device’s last one is unsent', () => {
    const hub = tempHubDb();
    const hb = new Heartbeat({
      db: hub.db,
      storeId: 't08',
      enqueue: hubEnqueue(hub.db, 't08'),
      devices: () => [
        { device_id: 'hub-t08', kind: 'hub', status: 'online' },
        { device_id: 'k1', kind: 'kiosk', status: 'offline', printer: { state: 'ok' } },
      ],
      outbox: () => ({ backlog: 7, oldest_unsent_at: '2026-12-01T10:00:00.000Z' }),
    });
    expect(hb.beat()).toBe(2);
    expect(hb.beat()).toBe(0); // both still unsent: a backlog of heartbeats says nothing new
    const rows = hub.db.prepare(`SELECT envelope FROM outbox ORDER BY hub_seq`).all() as {
      envelope: string;
    }[];
    for (const r of rows) {
      const d = decodeEvent(r.envelope, { topic: storeEventsTopic('t08'), direction: 'store_to_cloud' });
      expect(d.ok, JSON.stringify(!d.ok && d.reason)).toBe(true);
    }
    expect((JSON.parse(rows[0]!.envelope) as { data: unknown }).data).toMatchObject({
      device_id: 'hub-t08',
      outbox: { backlog: 7 },
    });
    hub.db.prepare(`UPDATE outbox SET sent_at = '2026-12-01T10:01:00.000Z'`).run();
    expect(hb.beat()).toBe(2);
    hub.close();
  });
});
