/**
 * Order states as data (spec/store.md §2.2). `created` is the only payable state; `completed`
 * and `verified` (auto-verification) are the paid states.
 */
import type { OrderStatus } from './schemas';

export type OrderEvent = 'pay_in_full' | 'cancel' | 'verify' | 'fail_verification' | 'refund';

export const ORDER_TRANSITIONS: Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>> = {
  created: { pay_in_full: 'completed', cancel: 'cancelled' },
  completed: { verify: 'verified', fail_verification: 'verification_failed', refund: 'refunded' },
  verified: { refund: 'refunded' },
  verification_failed: { verify: 'verified', refund: 'refunded' },
  refunded: {},
  cancelled: {},
};

export function nextOrderStatus(from: OrderStatus, event: OrderEvent): OrderStatus | null {
  return ORDER_TRANSITIONS[from][event] ?? null;
}

/** Paid and closed: what the shopper may take home. */
export const isPaid = (s: OrderStatus): boolean => s === 'completed' || s === 'verified';
export const isPayable = (s: OrderStatus): boolean => s === 'created';
