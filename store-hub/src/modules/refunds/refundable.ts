/**
 * What can still be refunded of an order, per line (spec/store.md §2.6 R2–R5, §7.4), and what a
 * refund of some units is worth. Pure functions over bigint minor units.
 *
 * A line's refund value is a cumulative share of what the shopper paid for it:
 * round(paid × (done + q) / qty) − round(paid × done / qty), where `done` counts units already
 * refunded or in progress. Shares taken this way never exceed the line and the last unit takes
 * exactly the remainder. Because an in-progress refund may later fail and be rolled back (which
 * changes later shares by a rounding cent), the value is also clamped to what is left in money,
 * so no sequence of refunds can pay out more than the line cost.
 */
import { roundDiv } from '@kassa/promo-core';

export interface PaidLine {
  lineId: string;
  name: string;
  /** Units sold (1 for a weighed line). */
  quantity: number;
  /** What the shopper paid for the whole line, tax included, minor units (≥ 0). */
  paid: bigint;
  /** Tax inside `paid`, minor units. */
  tax: bigint;
  refundable: boolean;
}

export interface LineRefundState {
  refundedQuantity: number;
  processingQuantity: number;
  refundedAmount: bigint;
  processingAmount: bigint;
}

export const NO_REFUNDS: LineRefundState = {
  refundedQuantity: 0,
  processingQuantity: 0,
  refundedAmount: 0n,
  processingAmount: 0n,
};

export interface LineRefundable {
  lineId: string;
  name: string;
  quantity: number;
  paid: bigint;
  refundedQuantity: number;
  processingQuantity: number;
  refundableQuantity: number;
  refundedAmount: bigint;
  processingAmount: bigint;
  refundableAmount: bigint;
  /** Paid per unit after discounts (the first unit's share; the last may differ by rounding). */
  unitPaid: bigint;
  unitTax: bigint;
}

const share = (amount: bigint, units: number, of: number): bigint =>
  of === 0 ? 0n : roundDiv(amount * BigInt(units), BigInt(of));

export function refundableLine(line: PaidLine, state: LineRefundState = NO_REFUNDS): LineRefundable {
  const done = state.refundedQuantity + state.processingQuantity;
  const left = line.refundable ? Math.max(0, line.quantity - done) : 0;
  const moneyLeft = line.paid - state.refundedAmount - state.processingAmount;
  return {
    lineId: line.lineId,
    name: line.name,
    quantity: line.quantity,
    paid: line.paid,
    refundedQuantity: state.refundedQuantity,
    processingQuantity: state.processingQuantity,
    refundableQuantity: left,
    refundedAmount: state.refundedAmount,
    processingAmount: state.processingAmount,
    refundableAmount: left === 0 ? 0n : moneyLeft < 0n ? 0n : moneyLeft,
    unitPaid: share(line.paid, 1, line.quantity),
    unitTax: share(line.tax, 1, line.quantity),
  };
}

export class RefundAmountError extends Error {
  readonly code = 'REFUND_EXCEEDS_REFUNDABLE';
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The money a refund of `quantity` units of the line is worth now. */
export function refundValue(line: PaidLine, state: LineRefundState, quantity: number): bigint {
  const r = refundableLine(line, state);
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > r.refundableQuantity) {
    throw new RefundAmountError(
      `line ${line.lineId} has ${r.refundableQuantity} unit(s) left to refund, not ${quantity}`,
      { line_id: line.lineId, requested: quantity, refundable: r.refundableQuantity },
    );
  }
  if (quantity === r.refundableQuantity) return r.refundableAmount; // the last units take the remainder
  const done = state.refundedQuantity + state.processingQuantity;
  const v = share(line.paid, done + quantity, line.quantity) - share(line.paid, done, line.quantity);
  return v < 0n ? 0n : v > r.refundableAmount ? r.refundableAmount : v;
}

/** Refund mode (§2.6 R4): F when this refund leaves nothing refundable on the order. */
export function refundMode(
  lines: readonly LineRefundable[],
  requested: ReadonlyMap<string, number>,
): 'F' | 'P' {
  return lines.every((l) => (requested.get(l.lineId) ?? 0) === l.refundableQuantity) ? 'F' : 'P';
}

/** Refund status machine (§2.6). */
export type RefundStatus = 'CREATED' | 'PROCESSING' | 'REFUNDED' | 'PSP_FAILED' | 'FAILED';
export type RefundEvent = 'submit' | 'approved' | 'pending' | 'declined' | 'error';

const REFUND_TRANSITIONS: Record<RefundStatus, Partial<Record<RefundEvent, RefundStatus>>> = {
  CREATED: { submit: 'PROCESSING', error: 'FAILED' },
  PROCESSING: { approved: 'REFUNDED', pending: 'PROCESSING', declined: 'PSP_FAILED', error: 'FAILED' },
  REFUNDED: {},
  PSP_FAILED: {},
  FAILED: {},
};

export const nextRefundStatus = (s: RefundStatus, e: RefundEvent): RefundStatus | null =>
  REFUND_TRANSITIONS[s][e] ?? null;

/** Processing amounts stay held only while the refund is PROCESSING (R5: failures roll back). */
export const holdsProcessing = (s: RefundStatus): boolean => s === 'CREATED' || s === 'PROCESSING';
