/**
 * The payment terminal port (spec/store.md §2.5). The hub drives a card terminal through this
 * interface only; the terminal talks to its acquirer itself, so the hub never needs the cloud
 * to take a card payment. Every method may throw TerminalOfflineError: the hub then keeps the
 * tender pending and asks again, because only the terminal knows whether money moved (§9.3).
 */
export type TerminalResult =
  | { state: 'pending'; prompt: string }
  | {
      state: 'approved';
      /** What the acquirer approved; may be less than requested (partial approval). */
      amount: bigint;
      authCode: string;
      pspReference: string;
      cardBrand: string;
      cardLast4: string;
    }
  | { state: 'declined'; reason: string }
  | { state: 'cancelled' }
  | { state: 'error'; reason: string }
  /** The terminal has no record of this transaction (it never started). */
  | { state: 'unknown' };

export interface TerminalStart {
  tenderId: string;
  amount: bigint;
  currency: string;
  /** Simulator only: how this transaction should play out. */
  scenario?: string;
}

export class TerminalOfflineError extends Error {
  constructor(message = 'payment terminal unreachable') {
    super(message);
    this.name = 'TerminalOfflineError';
  }
}

export interface PaymentTerminal {
  readonly name: string;
  readonly scenarios: readonly string[];
  start(req: TerminalStart): Promise<void>;
  status(tenderId: string): Promise<TerminalResult>;
  /** Asks the terminal to stop; answers the transaction's final state (it may have been approved first). */
  cancel(tenderId: string): Promise<TerminalResult>;
  /**
   * Reverses (part of) an approved transaction. `ref` names this refund at the terminal: asking
   * again with the same ref answers the first outcome and never pays out twice, and
   * `refundStatus(ref)` tells a restarted hub what became of it. `scenario` (simulator only):
   * approve, decline, timeout (never answers until cancelled) or delay (approves after a while).
   */
  refund(
    tenderId: string,
    amount: bigint,
    scenario?: string,
    ref?: string,
  ): Promise<{ ok: boolean; reference: string; reason?: string }>;
  refundStatus(ref: string): Promise<TerminalRefundState>;
  /** Stops a refund still pending; answers its final state (it may have been approved first). */
  cancelRefund(ref: string): Promise<TerminalRefundState>;
}

export type TerminalRefundState =
  | { state: 'pending' }
  | { state: 'approved'; reference: string }
  | { state: 'declined'; reason: string }
  | { state: 'cancelled' }
  /** The terminal never saw this refund (the hub stopped before asking). */
  | { state: 'unknown' };
