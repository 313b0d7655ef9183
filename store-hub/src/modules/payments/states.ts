/**
 * Tender states as data. A tender is committed `pending` before the terminal is asked; the
 * terminal's final answer moves it once; a captured tender can still be voided (split-tender
 * abort, stray capture on a cancelled order).
 */
import type { TenderStatus } from './schemas';

export type TenderEvent = 'approved' | 'failed' | 'void' | 'cancel';

export const TENDER_TRANSITIONS: Record<TenderStatus, Partial<Record<TenderEvent, TenderStatus>>> = {
  pending: { approved: 'captured', failed: 'failed', cancel: 'cancelled' },
  captured: { void: 'voided' },
  failed: {},
  voided: {},
  cancelled: {},
};

export function nextTenderStatus(from: TenderStatus, event: TenderEvent): TenderStatus | null {
  return TENDER_TRANSITIONS[from][event] ?? null;
}

export const isFinalTender = (s: TenderStatus): boolean => Object.keys(TENDER_TRANSITIONS[s]).length === 0;

/** Terminal answer → the failed tender's failure_code. */
export function failureCode(
  state: 'declined' | 'cancelled' | 'error' | 'unknown',
  timedOut: boolean,
): 'DECLINED' | 'TERMINAL_TIMEOUT' | 'CANCELLED' | 'NOT_STARTED' | 'TERMINAL_ERROR' {
  switch (state) {
    case 'declined':
      return 'DECLINED';
    case 'cancelled':
      return timedOut ? 'TERMINAL_TIMEOUT' : 'CANCELLED';
    case 'unknown':
      return 'NOT_STARTED';
    case 'error':
      return 'TERMINAL_ERROR';
  }
}
