import { describe, expect, it } from 'vitest';
import { INTERVENTION_STATUSES } from '../../src/modules/interventions/schemas';
import { INTERVENTION_TRANSITIONS, nextInterventionStatus } from '../../src/modules/interventions/states';
import { ORDER_STATUSES } from '../../src/modules/orders/schemas';
import { isPaid, isPayable, nextOrderStatus, ORDER_TRANSITIONS } from '../../src/modules/orders/states';
import { TENDER_STATUSES } from '../../src/modules/payments/schemas';
import {
  failureCode,
  isFinalTender,
  nextTenderStatus,
  TENDER_TRANSITIONS,
} from '../../src/modules/payments/states';

describe('order states', () => {
  it('covers every status; only created is payable and only completed/verified are paid', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
    expect(ORDER_STATUSES.filter(isPayable)).toEqual(['created']);
    expect(ORDER_STATUSES.filter(isPaid)).toEqual(['completed', 'verified']);
    for (const t of Object.values(ORDER_TRANSITIONS))
      for (const to of Object.values(t)) expect(ORDER_STATUSES).toContain(to);
  });
  it('moves created → completed → verified → refunded, and cancelled is final', () => {
    expect(nextOrderStatus('created', 'pay_in_full')).toBe('completed');
    expect(nextOrderStatus('completed', 'verify')).toBe('verified');
    expect(nextOrderStatus('verified', 'refund')).toBe('refunded');
    expect(nextOrderStatus('created', 'cancel')).toBe('cancelled');
    expect(nextOrderStatus('cancelled', 'pay_in_full')).toBeNull();
    expect(nextOrderStatus('completed', 'pay_in_full')).toBeNull();
    expect(nextOrderStatus('completed', 'cancel')).toBeNull();
  });
});

describe('tender states', () => {
  it('a pending tender ends once; a captured one can only be voided', () => {
    expect(Object.keys(TENDER_TRANSITIONS).sort()).toEqual([...TENDER_STATUSES].sort());
    expect(nextTenderStatus('pending', 'approved')).toBe('captured');
    expect(nextTenderStatus('pending', 'failed')).toBe('failed');
    expect(nextTenderStatus('captured', 'void')).toBe('voided');
    expect(nextTenderStatus('captured', 'approved')).toBeNull();
    expect(nextTenderStatus('voided', 'void')).toBeNull();
    expect(TENDER_STATUSES.filter(isFinalTender)).toEqual(['failed', 'voided', 'cancelled']);
    expect(failureCode('cancelled', true)).toBe('TERMINAL_TIMEOUT');
    expect(failureCode('cancelled', false)).toBe('CANCELLED');
    expect(failureCode('unknown', false)).toBe('NOT_STARTED');
  });
});

describe('intervention states', () => {
  it('age checks are approved or rejected once; help requests close', () => {
    for (const kind of Object.keys(INTERVENTION_TRANSITIONS) as (keyof typeof INTERVENTION_TRANSITIONS)[])
      for (const from of INTERVENTION_STATUSES.filter((s) => s !== 'P')) {
        expect(nextInterventionStatus(kind, from, 'approve')).toBeNull();
        expect(nextInterventionStatus(kind, from, 'reject')).toBeNull();
      }
    expect(nextInterventionStatus('age_check', 'P', 'approve')).toBe('A');
    expect(nextInterventionStatus('age_check', 'P', 'reject')).toBe('R');
    expect(nextInterventionStatus('help', 'P', 'reject')).toBe('closed');
  });
});
