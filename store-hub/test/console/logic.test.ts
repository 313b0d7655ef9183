import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayStart, median, queueKind } from '../../src/modules/assistance/service';
import { laneState, OFFLINE_AFTER_MS } from '../../src/modules/device-admin/service';
import { canRecord, pickedForRandomCheck } from '../../src/modules/exit-checks/service';
import { parseOrderRef } from '../../src/modules/order-review/service';

describe('console domain rules', () => {
  const base = {
    now: Date.parse('2026-12-01T12:00:00Z'),
    lastContactAt: '2026-12-01T11:59:58Z',
    openInterventionSince: null,
    paymentSince: null,
    basketSince: null,
    basketLines: 0,
    pairedAt: '2026-12-01T08:00:00Z',
  };

  it('lane states: offline beats everything, then help, paying, shopping, idle', () => {
    expect(laneState(base).state).toBe('idle');
    expect(laneState({ ...base, basketSince: '2026-12-01T11:58:00Z', basketLines: 2 })).toEqual({
      state: 'shopping',
      since: '2026-12-01T11:58:00Z',
    });
    expect(
      laneState({ ...base, basketLines: 2, basketSince: base.pairedAt, paymentSince: '2026-12-01T11:59:00Z' })
        .state,
    ).toBe('paying');
    expect(
      laneState({ ...base, paymentSince: base.pairedAt, openInterventionSince: '2026-12-01T11:59:30Z' })
        .state,
    ).toBe('needs_help');
    expect(laneState({ ...base, lastContactAt: null }).state).toBe('offline');
    expect(
      laneState({ ...base, openInterventionSince: base.pairedAt, now: base.now + OFFLINE_AFTER_MS + 2000 })
        .state,
    ).toBe('offline');
    // offline within the 10 s the issue asks for
    expect(OFFLINE_AFTER_MS).toBeLessThan(10_000);
  });

  it('random exit checks pick exactly the configured share of rolls', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), (hundredths) => {
        const rate = `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
        let picked = 0;
        for (let roll = 0; roll < 10000; roll++) if (pickedForRandomCheck(rate, roll)) picked++;
        expect(picked).toBe(hundredths);
      }),
      { numRuns: 30 },
    );
  });

  it('exit-check transitions (§2.2)', () => {
    expect(canRecord('completed', 'verified')).toBe(true);
    expect(canRecord('verification_failed', 'verified')).toBe(true);
    expect(canRecord('completed', 'verification_failed')).toBe(true);
    expect(canRecord('verified', 'verification_failed')).toBe(false);
    expect(canRecord('refunded', 'verified')).toBe(false);
    expect(canRecord('created', 'verified')).toBe(false);
  });

  it('reads receipt QR values, ids and numbers', () => {
    const id = '0b6c4f0e-1f2a-4c3d-8e9f-a1b2c3d4e5f6';
    expect(parseOrderRef(`kassa:order:${id}`)).toEqual({ kind: 'id', id });
    expect(parseOrderRef(id.toUpperCase())).toEqual({ kind: 'id', id });
    expect(parseOrderRef(' 100042 ')).toEqual({ kind: 'number', value: '100042' });
  });

  it('groups help requests and takes medians', () => {
    expect(queueKind('age_check', 'age')).toBe('age_check');
    expect(queueKind('help', 'three declined card payments')).toBe('payment_problem');
    expect(queueKind('help', 'ITEM_NOT_FOUND 123')).toBe('unknown_item');
    expect(queueKind('help', 'help requested')).toBe('help');
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
  });

  it('the store day starts at local midnight', () => {
    expect(dayStart(new Date('2026-07-01T10:00:00Z'), 'Europe/London').toISOString()).toBe(
      '2026-06-30T23:00:00.000Z',
    );
    expect(dayStart(new Date('2026-12-01T00:30:00Z'), 'Europe/Berlin').toISOString()).toBe(
      '2026-11-30T23:00:00.000Z',
    );
  });
});
