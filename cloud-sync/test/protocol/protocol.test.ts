import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEvent,
  EVENT_DEFINITIONS,
  formatMinor,
  lookupEvent,
  parseMinor,
  parseTopic,
  storeEventsTopic,
  storeOfPrincipal,
  hubPrincipal,
  storeStreamTopic,
} from '../../src/protocol';
import { envelope, orderSnapshot, STORE_A, STORE_B } from '../support/events';

const topicA = storeEventsTopic(STORE_A);

describe('protocol registry', () => {
  it('decodes a full §6.4 order snapshot on its own store topic', () => {
    const snap = orderSnapshot();
    const r = decodeEvent(JSON.stringify(envelope('order.completed', snap.order.order_id, snap)), {
      direction: 'store_to_cloud',
      topic: topicA,
    });
    expect(r.ok, JSON.stringify(!r.ok && r.reason)).toBe(true);
    if (r.ok) expect(r.definition.type).toBe('order.completed');
  });

  it('answers a reason, never a guess, for unknown types and versions', () => {
    const snap = orderSnapshot();
    const unknownType = decodeEvent(envelope('order.exploded', snap.order.order_id, {}));
    expect(unknownType.ok).toBe(false);
    if (!unknownType.ok) expect(unknownType.reason.code).toBe('UNKNOWN_EVENT_TYPE');
    const v2 = decodeEvent(envelope('order.completed', snap.order.order_id, snap, { version: 2 }));
    expect(!v2.ok && v2.reason).toMatchObject({
      code: 'UNKNOWN_EVENT_VERSION',
      details: { known_versions: [1] },
    });
    expect(lookupEvent('alert', 1).ok).toBe(true);
  });

  it('refuses an envelope for another store than the topic', () => {
    const snap = orderSnapshot({ storeId: STORE_B });
    const r = decodeEvent(envelope('order.completed', snap.order.order_id, snap, { store_id: STORE_B }), {
      topic: topicA,
    });
    expect(!r.ok && r.reason.code).toBe('STORE_MISMATCH');
    expect(!r.ok && r.envelope?.event_id).toBeTruthy();
  });

  it('refuses malformed JSON, a bad envelope, a wrong key, the wrong direction and card data', () => {
    expect(
      !decodeEvent('{"not json').ok &&
        (decodeEvent('{"not json') as { reason: { code: string } }).reason.code,
    ).toBe('MALFORMED_JSON');
    const bad = decodeEvent({ ...envelope('alert', STORE_A, { code: 'X', severity: 'info' }), extra: 1 });
    expect(!bad.ok && bad.reason.code).toBe('INVALID_ENVELOPE');
    const snap = orderSnapshot();
    const wrongKey = decodeEvent(envelope('order.completed', 'someone-else', snap));
    expect(!wrongKey.ok && wrongKey.reason.code).toBe('KEY_MISMATCH');
    const dir = decodeEvent(envelope('catalog.snapshot', STORE_A, { stream_version: 1, items: [] }), {
      direction: 'store_to_cloud',
    });
    expect(!dir.ok && dir.reason.code).toBe('WRONG_DIRECTION');
    const pan = structuredClone(snap);
    (pan.payment.tenders[0] as Record<string, unknown>).pan = '4111111111111111';
    const leaked = decodeEvent(envelope('order.completed', snap.order.order_id, pan));
    expect(!leaked.ok && leaked.reason.code).toBe('INVALID_PAYLOAD');
    const float = structuredClone(snap);
    (float.totals as Record<string, unknown>).total_after_tax = 3.0;
    expect(decodeEvent(envelope('order.completed', snap.order.order_id, float)).ok).toBe(false);
  });

  it('has one definition per (type, version) and every §6.2/§6.3 type', () => {
    const keys = EVENT_DEFINITIONS.map((d) => `${d.type}@${d.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of [
      'order.completed',
      'order.cancelled',
      'order.verified',
      'order.verification_failed',
      'payment.attempt',
      'refund.completed',
      'refund.failed',
      'shift.started',
      'shift.ended',
      'cash.daily_summary',
      'poslog.transaction',
      'fiscal.registration_requested',
      'verification.session',
      'analytics.event',
      'inventory.movement',
      'price_activation.applied',
      'alert',
      'config.applied',
      'device.heartbeat',
      'catalog.snapshot',
      'catalog.delta',
      'price.staged',
      'promotions.snapshot',
      'promotions.delta',
      'tax.table.snapshot',
      'store.config',
      'staff.users',
      'customer.blocklist',
      'loyalty.coupons',
      'fiscal.registered',
      'payment.notification',
      'refund.notification',
    ])
      expect(keys).toContain(`${t}@1`);
  });

  it('decodes the undotted alert and the fleet events', () => {
    for (const [type, data] of [
      ['alert', { code: 'OUTBOX_BACKLOG', severity: 'warning', context: { backlog: 3 } }],
      ['device.heartbeat', { device_id: 'k1', status: 'online', versions: { app: '1.0' } }],
      ['config.applied', { stream: 'catalog', version: 4 }],
    ] as const) {
      const r = decodeEvent(envelope(type, STORE_A, data), { topic: topicA, direction: 'store_to_cloud' });
      expect(r.ok, `${type}: ${JSON.stringify(!r.ok && r.reason)}`).toBe(true);
    }
  });

  it('chunks a snapshot and refuses an impossible chunk', () => {
    const ok = decodeEvent(
      envelope('catalog.snapshot', STORE_A, {
        stream_version: 3,
        chunk: { index: 1, count: 2 },
        items: [{}],
      }),
    );
    expect(ok.ok).toBe(true);
    const bad = decodeEvent(
      envelope('catalog.snapshot', STORE_A, { stream_version: 3, chunk: { index: 2, count: 2 }, items: [] }),
    );
    expect(!bad.ok && bad.reason.code).toBe('INVALID_PAYLOAD');
  });
});

describe('topics and principals', () => {
  it('maps a store to its topics and principal and back', () => {
    expect(parseTopic(storeEventsTopic(STORE_A))).toEqual({ kind: 'storeEvents', storeId: STORE_A });
    expect(parseTopic(storeStreamTopic(STORE_B))).toEqual({ kind: 'storeStream', storeId: STORE_B });
    expect(parseTopic('kassa.store-events.a.b')).toBeNull();
    expect(storeOfPrincipal(`User:${hubPrincipal(STORE_A)}`)).toBe(STORE_A);
    expect(storeOfPrincipal('hq')).toBeNull();
    expect(() => storeEventsTopic('a.b')).toThrow();
  });
});

describe('money on the wire', () => {
  it('parseMinor inverts formatMinor for every amount and exponent', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.integer({ min: 0, max: 4 }),
        (v, e) => {
          expect(parseMinor(formatMinor(v, e), e)).toBe(v);
        },
      ),
    );
    expect(parseMinor('12.3', 2)).toBe(1230n);
    expect(parseMinor('12.3000', 2)).toBe(1230n);
    expect(() => parseMinor('12.345', 2)).toThrow();
  });
});
