/**
 * A card-terminal simulator behind the real PaymentTerminal interface (a card terminal cannot
 * exist here). Its state lives in its own SQLite file, as a real terminal's journal lives in
 * the terminal: killing the hub does not forget a transaction the "terminal" approved, which
 * is exactly what the hub's start-up recovery has to cope with.
 *
 * Scenarios (per transaction): approve, decline, timeout (never answers until cancelled),
 * offline (unreachable for a while mid-payment, then approves), partial (approves half),
 * error (technical failure).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { PaymentTerminal, TerminalRefundState, TerminalResult, TerminalStart } from './port';
import { TerminalOfflineError } from './port';

export const SIM_SCENARIOS = ['approve', 'decline', 'timeout', 'offline', 'partial', 'error'] as const;

export interface SimulatorOptions {
  /** How long a cardholder takes before the terminal decides, ms. */
  decideAfterMs?: number;
  /** How long the `offline` scenario keeps the terminal unreachable, ms. */
  offlineForMs?: number;
}

interface Row {
  tender_id: string;
  amount: string;
  scenario: string;
  state: string;
  approved_amount: string | null;
  started_at: number;
  reason: string | null;
  refunded: string | null;
}

export class TerminalSimulator implements PaymentTerminal {
  readonly name = 'simulator';
  readonly scenarios = SIM_SCENARIOS;
  private readonly db: Database.Database;
  private readonly decideAfterMs: number;
  private readonly offlineForMs: number;

  constructor(file: string, opts: SimulatorOptions = {}) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // WAL + NORMAL survives a crash of either process (only power loss could drop the tail):
    // enough for a simulated terminal, whose journal exists to outlive a killed hub.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS txns (
      tender_id TEXT PRIMARY KEY, amount TEXT NOT NULL, scenario TEXT NOT NULL, state TEXT NOT NULL,
      approved_amount TEXT, started_at INTEGER NOT NULL, reason TEXT, refunded TEXT)`);
    // Refunds by their reference, as a terminal journals them: a repeat asks, never pays twice.
    this.db.exec(`CREATE TABLE IF NOT EXISTS refunds (
      ref TEXT PRIMARY KEY, tender_id TEXT NOT NULL, amount TEXT NOT NULL, scenario TEXT NOT NULL,
      state TEXT NOT NULL, started_at INTEGER NOT NULL, reason TEXT)`);
    this.decideAfterMs = opts.decideAfterMs ?? 30;
    this.offlineForMs = opts.offlineForMs ?? 1500;
  }

  async start(req: TerminalStart): Promise<void> {
    const scenario = req.scenario ?? 'approve';
    if (!(SIM_SCENARIOS as readonly string[]).includes(scenario))
      throw new Error(`unknown simulator scenario ${scenario}`);
    this.db
      .prepare(
        `INSERT OR IGNORE INTO txns(tender_id, amount, scenario, state, started_at) VALUES (?, ?, ?, 'pending', ?)`,
      )
      .run(req.tenderId, req.amount.toString(), scenario, Date.now());
  }

  private settle(row: Row): Row {
    if (row.state !== 'pending') return row;
    const age = Date.now() - row.started_at;
    if (age < this.decideAfterMs) return row;
    const amount = BigInt(row.amount);
    let next: { state: string; approved?: bigint; reason?: string } | null = null;
    switch (row.scenario) {
      case 'approve':
        next = { state: 'approved', approved: amount };
        break;
      case 'offline':
        if (age >= this.decideAfterMs + this.offlineForMs) next = { state: 'approved', approved: amount };
        break;
      case 'partial':
        next = { state: 'approved', approved: amount > 1n ? amount / 2n : amount };
        break;
      case 'decline':
        next = { state: 'declined', reason: 'card declined (simulated)' };
        break;
      case 'error':
        next = { state: 'error', reason: 'terminal technical failure (simulated)' };
        break;
      case 'timeout':
        break;
    }
    if (!next) return row;
    this.db
      .prepare(
        `UPDATE txns SET state = ?, approved_amount = ?, reason = ? WHERE tender_id = ? AND state = 'pending'`,
      )
      .run(next.state, next.approved?.toString() ?? null, next.reason ?? null, row.tender_id);
    return this.get(row.tender_id)!;
  }

  private get(tenderId: string): Row | undefined {
    return this.db.prepare(`SELECT * FROM txns WHERE tender_id = ?`).get(tenderId) as Row | undefined;
  }

  private offline(row: Row): boolean {
    const age = Date.now() - row.started_at;
    return (
      row.scenario === 'offline' && age >= this.decideAfterMs && age < this.decideAfterMs + this.offlineForMs
    );
  }

  private result(row: Row): TerminalResult {
    switch (row.state) {
      case 'approved':
        return {
          state: 'approved',
          amount: BigInt(row.approved_amount ?? row.amount),
          authCode: row.tender_id.slice(0, 6).toUpperCase(),
          pspReference: `SIM-${row.tender_id}`,
          cardBrand: 'visa',
          cardLast4: '4242',
        };
      case 'declined':
        return { state: 'declined', reason: row.reason ?? 'declined' };
      case 'error':
        return { state: 'error', reason: row.reason ?? 'error' };
      case 'cancelled':
        return { state: 'cancelled' };
      default:
        return { state: 'pending', prompt: 'Present card' };
    }
  }

  async status(tenderId: string): Promise<TerminalResult> {
    const row = this.get(tenderId);
    if (!row) return { state: 'unknown' };
    if (this.offline(row)) throw new TerminalOfflineError();
    return this.result(this.settle(row));
  }

  async cancel(tenderId: string): Promise<TerminalResult> {
    const row = this.get(tenderId);
    if (!row) return { state: 'unknown' };
    if (this.offline(row)) throw new TerminalOfflineError();
    const settled = this.settle(row);
    if (settled.state === 'pending') {
      this.db
        .prepare(`UPDATE txns SET state = 'cancelled' WHERE tender_id = ? AND state = 'pending'`)
        .run(tenderId);
    }
    return this.result(this.get(tenderId)!);
  }

  /**
   * Refunds accumulate and never exceed what was approved. `scenario` plays a refund out like
   * a payment: approve (default), decline, timeout (pending until cancelled), delay (approves
   * `decideAfterMs` after it started — long enough to kill the hub in between) or decline_rest
   * (a split refund's first part approved, the others declined).
   */
  async refund(
    tenderId: string,
    amount: bigint,
    scenario?: string,
    ref?: string,
  ): Promise<{ ok: boolean; reference: string; reason?: string }> {
    const key = ref ?? `${tenderId}:${Date.now()}:${Math.random()}`;
    this.db
      .prepare(
        `INSERT OR IGNORE INTO refunds(ref, tender_id, amount, scenario, state, started_at) VALUES (?, ?, ?, ?, 'pending', ?)`,
      )
      .run(key, tenderId, amount.toString(), scenario ?? 'approve', Date.now());
    for (;;) {
      const s = this.settleRefund(key);
      if (s.state === 'approved') return { ok: true, reference: s.reference };
      if (s.state === 'declined') return { ok: false, reference: '', reason: s.reason };
      if (s.state === 'cancelled') return { ok: false, reference: '', reason: 'refund cancelled' };
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private settleRefund(ref: string): TerminalRefundState {
    const settle = this.db.transaction((): TerminalRefundState => {
      const r = this.db.prepare(`SELECT * FROM refunds WHERE ref = ?`).get(ref) as
        | {
            tender_id: string;
            amount: string;
            scenario: string;
            state: string;
            started_at: number;
            reason: string | null;
          }
        | undefined;
      if (!r) return { state: 'unknown' };
      if (r.state === 'pending') {
        const due = r.scenario === 'delay' ? Date.now() - r.started_at >= this.decideAfterMs : true;
        if (r.scenario === 'timeout' || !due) return { state: 'pending' };
        const set = (state: string, reason: string | null) =>
          this.db.prepare(`UPDATE refunds SET state = ?, reason = ? WHERE ref = ?`).run(state, reason, ref);
        const txn = this.get(r.tender_id);
        const done = BigInt(txn?.refunded ?? '0');
        if (!txn || txn.state !== 'approved') set('declined', 'no approved transaction');
        else if (r.scenario === 'decline') set('declined', 'refund declined by the acquirer');
        // decline_rest: the first part of a split refund (ref …:1) goes through, later parts are declined.
        else if (r.scenario === 'decline_rest' && !ref.endsWith(':1'))
          set('declined', 'refund declined by the acquirer');
        else if (done + BigInt(r.amount) > BigInt(txn.approved_amount ?? txn.amount))
          set('declined', 'refund above the approved amount');
        else {
          set('approved', null);
          this.db
            .prepare(`UPDATE txns SET refunded = ? WHERE tender_id = ?`)
            .run((done + BigInt(r.amount)).toString(), r.tender_id);
        }
        return this.refundState(ref);
      }
      return this.refundState(ref);
    });
    return settle.immediate();
  }

  private refundState(ref: string): TerminalRefundState {
    const r = this.db.prepare(`SELECT state, reason FROM refunds WHERE ref = ?`).get(ref) as
      { state: string; reason: string | null } | undefined;
    if (!r) return { state: 'unknown' };
    if (r.state === 'approved') return { state: 'approved', reference: `SIM-RF-${ref}` };
    if (r.state === 'declined') return { state: 'declined', reason: r.reason ?? 'declined' };
    if (r.state === 'cancelled') return { state: 'cancelled' };
    return { state: 'pending' };
  }

  async refundStatus(ref: string): Promise<TerminalRefundState> {
    return this.settleRefund(ref);
  }

  async cancelRefund(ref: string): Promise<TerminalRefundState> {
    const s = this.settleRefund(ref);
    if (s.state !== 'pending') return s;
    this.db.prepare(`UPDATE refunds SET state = 'cancelled' WHERE ref = ? AND state = 'pending'`).run(ref);
    return this.refundState(ref);
  }

  close(): void {
    this.db.close();
  }
}
