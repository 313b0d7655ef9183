import type { Db } from '../../platform/db/database';
import type { BasketLineInput } from '../catalog/pricing';
import { joinPricedJson } from '../catalog/pricing';
import type { BasketState } from './schemas';

export interface BasketRow {
  basket_id: string;
  device_id: string;
  session_id: string | null;
  state: BasketState;
  version: number;
  requires_approval: number;
  pricing_error: string | null;
  /** Only baskets priced before migration 0007 keep their whole JSON here (else `{}`). */
  priced: string;
  /** The priced JSON's head (`"lines":[]`); NULL for a basket not priced since 0007. */
  priced_head: string | null;
  created_at: string;
  updated_at: string;
}

export type BasketHead = Omit<BasketRow, 'priced' | 'priced_head'>;

/** One row of basket_priced_lines: a priced line's canonical JSON and its place in the basket. */
export interface PricedPart {
  line_id: string;
  pos: number;
  json: string;
}

/** A basket's stored priced state: the head and its lines in order, or a pre-0007 whole JSON. */
export type StoredPriced =
  { version: number; head: string; lines: PricedPart[] } | { version: number; head: null; whole: string };

/** Every SQL statement on baskets, lines and kiosk sessions, prepared once. */
export class BasketRepo {
  private readonly st;

  constructor(db: Db) {
    this.st = {
      head: db.prepare<[string], BasketHead>(
        `SELECT basket_id, device_id, session_id, state, version, requires_approval, pricing_error, created_at, updated_at FROM baskets WHERE basket_id = ?`,
      ),
      pricedHead: db.prepare<[string], { head: string | null; priced: string; version: number }>(
        `SELECT priced_head AS head, priced, version FROM baskets WHERE basket_id = ?`,
      ),
      parts: db.prepare<[string], PricedPart>(
        `SELECT line_id, pos, json FROM basket_priced_lines WHERE basket_id = ? ORDER BY pos`,
      ),
      putPart: db.prepare(
        `INSERT INTO basket_priced_lines(basket_id, line_id, pos, json) VALUES (?, ?, ?, ?)
         ON CONFLICT(basket_id, line_id) DO UPDATE SET pos = excluded.pos, json = excluded.json`,
      ),
      dropPart: db.prepare(`DELETE FROM basket_priced_lines WHERE basket_id = ? AND line_id = ?`),
      insert: db.prepare(
        `INSERT INTO baskets(basket_id, device_id, session_id, state, version, created_at, updated_at) VALUES (?, ?, ?, 'active', 0, ?, ?)`,
      ),
      lines: db.prepare<[string], { input: string }>(
        `SELECT input FROM basket_lines WHERE basket_id = ? ORDER BY seq`,
      ),
      lineCount: db.prepare<[string], { n: number }>(
        `SELECT COUNT(*) AS n FROM basket_lines WHERE basket_id = ?`,
      ),
      nextSeq: db.prepare<[string], { s: number }>(
        `SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM basket_lines WHERE basket_id = ?`,
      ),
      insertLine: db.prepare(
        `INSERT INTO basket_lines(line_id, basket_id, seq, input, created_at) VALUES (?, ?, ?, ?, ?)`,
      ),
      updateLine: db.prepare(`UPDATE basket_lines SET input = ? WHERE line_id = ?`),
      deleteLine: db.prepare(`DELETE FROM basket_lines WHERE basket_id = ? AND line_id = ?`),
      // `priced = '{}'`: a pre-0007 whole JSON is superseded by the parts from now on.
      priced: db.prepare(
        `UPDATE baskets SET priced_head = ?, priced = '{}', pricing_error = NULL, requires_approval = ?, version = version + 1, updated_at = ? WHERE basket_id = ? RETURNING version`,
      ),
      pricingError: db.prepare(
        `UPDATE baskets SET pricing_error = ?, version = version + 1, updated_at = ? WHERE basket_id = ? RETURNING version`,
      ),
      setState: db.prepare(`UPDATE baskets SET state = ?, updated_at = ? WHERE basket_id = ?`),
      expire: db.prepare(
        `UPDATE baskets SET state = 'expired', expired_at = ?, updated_at = ? WHERE basket_id = ? AND state <> 'expired'`,
      ),
      activeOf: db.prepare<[string], { basket_id: string }>(
        `SELECT basket_id FROM baskets WHERE device_id = ? AND state = 'active' ORDER BY created_at DESC`,
      ),
      currentOf: db.prepare<[string], { basket_id: string }>(
        `SELECT basket_id FROM baskets WHERE device_id = ? AND state IN ('active', 'checked_out') ORDER BY created_at DESC LIMIT 1`,
      ),
      idle: db.prepare<[string], { basket_id: string; device_id: string }>(
        `SELECT basket_id, device_id FROM baskets WHERE state = 'active' AND updated_at < ?`,
      ),
      sessionOwner: db.prepare<[string], { device_id: string }>(
        `SELECT device_id FROM kiosk_sessions WHERE session_id = ?`,
      ),
      endSessions: db.prepare(
        `UPDATE kiosk_sessions SET ended_at = ? WHERE device_id = ? AND ended_at IS NULL`,
      ),
      insertSession: db.prepare(
        `INSERT INTO kiosk_sessions(session_id, device_id, started_at, customer) VALUES (?, ?, ?, ?)`,
      ),
      openOrder: db.prepare<[string], { order_id: string; order_status: string }>(
        `SELECT order_id, order_status FROM orders WHERE basket_id = ? ORDER BY created_at DESC LIMIT 1`,
      ),
    };
  }

  /** The row without its priced state (read that with `storedPriced` / `pricedJson`). */
  get(basketId: string): BasketHead | undefined {
    return this.st.head.get(basketId);
  }
  /** The row without its priced JSON (the service keeps that in memory per version). */
  head(basketId: string): BasketHead | undefined {
    return this.st.head.get(basketId);
  }
  /** The stored priced state as it is in the tables (one read of the head, one of the lines). */
  storedPriced(basketId: string): StoredPriced | undefined {
    const row = this.st.pricedHead.get(basketId);
    if (!row) return undefined;
    if (row.head === null) return { version: row.version, head: null, whole: row.priced };
    return { version: row.version, head: row.head, lines: this.st.parts.all(basketId) };
  }
  /** The stored canonical priced JSON, rebuilt from its parts (`{}` before the first pricing). */
  pricedJson(basketId: string): { priced: string; version: number } | undefined {
    const s = this.storedPriced(basketId);
    if (!s) return undefined;
    return {
      version: s.version,
      priced:
        s.head === null
          ? s.whole
          : joinPricedJson(
              s.head,
              s.lines.map((l) => l.json),
            ),
    };
  }
  /** The priced lines' rows as stored, in position order. */
  pricedParts(basketId: string): PricedPart[] {
    return this.st.parts.all(basketId);
  }
  insert(basketId: string, deviceId: string, sessionId: string | null, at: string): void {
    this.st.insert.run(basketId, deviceId, sessionId, at, at);
  }
  lines(basketId: string): BasketLineInput[] {
    return this.st.lines.all(basketId).map((r) => JSON.parse(r.input) as BasketLineInput);
  }
  lineCount(basketId: string): number {
    return this.st.lineCount.get(basketId)!.n;
  }
  insertLine(basketId: string, line: BasketLineInput, at: string): void {
    this.st.insertLine.run(
      line.line_id,
      basketId,
      this.st.nextSeq.get(basketId)!.s,
      JSON.stringify(line),
      at,
    );
  }
  updateLine(line: BasketLineInput): void {
    this.st.updateLine.run(JSON.stringify(line), line.line_id);
  }
  deleteLine(basketId: string, lineId: string): boolean {
    return this.st.deleteLine.run(basketId, lineId).changes > 0;
  }
  /**
   * Stores the priced JSON's head and bumps the version; returns the new version. The lines go
   * with `putPart` / `dropPart`, in the same transaction.
   */
  storePricedHead(basketId: string, headJson: string, requiresApproval: boolean, at: string): number {
    return (this.st.priced.get(headJson, requiresApproval ? 1 : 0, at, basketId) as { version: number })
      .version;
  }
  /** Writes one priced line (new, re-priced or moved). */
  putPart(basketId: string, lineId: string, pos: number, json: string): void {
    this.st.putPart.run(basketId, lineId, pos, json);
  }
  dropPart(basketId: string, lineId: string): void {
    this.st.dropPart.run(basketId, lineId);
  }
  storePricingError(basketId: string, errorJson: string, at: string): number {
    return (this.st.pricingError.get(errorJson, at, basketId) as { version: number }).version;
  }
  setState(basketId: string, state: Exclude<BasketState, 'expired'>, at: string): void {
    this.st.setState.run(state, at, basketId);
  }
  /** The one way a basket expires (new shopper, completed order, idle timeout). */
  expire(basketId: string, at: string): void {
    this.st.expire.run(at, at, basketId);
  }
  activeBaskets(deviceId: string): string[] {
    return this.st.activeOf.all(deviceId).map((r) => r.basket_id);
  }
  currentBasket(deviceId: string): string | undefined {
    return this.st.currentOf.get(deviceId)?.basket_id;
  }
  idleSince(cutoff: string): { basket_id: string; device_id: string }[] {
    return this.st.idle.all(cutoff);
  }
  sessionOwner(sessionId: string): string | undefined {
    return this.st.sessionOwner.get(sessionId)?.device_id;
  }
  startSession(sessionId: string, deviceId: string, customer: unknown, at: string): void {
    this.st.endSessions.run(at, deviceId);
    this.st.insertSession.run(sessionId, deviceId, at, JSON.stringify(customer ?? {}));
  }
  latestOrder(basketId: string): { order_id: string; order_status: string } | undefined {
    return this.st.openOrder.get(basketId);
  }
}
