/**
 * Idempotency-Key handling: the first answer (success or error) is stored under (scope, key);
 * a repeat with the same request returns it unchanged and runs nothing; the same key on a
 * different request is refused. Requests are compared by their canonical JSON (key order does
 * not matter). Answers an AnswerReferrer recognises (baskets) are stored as a reference to the
 * row that holds them, and a repeat gets that row as it is now — for a basket, its current
 * version, which is what a retrying kiosk needs (its own change is in it). Synchronous handlers record the answer in the same transaction as their effect,
 * so a crash cannot separate the two.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/database';
import type { Tx } from '../db/tx';
import { HubError } from '../errors';
import { nowIso } from '../ids';
import { canonicalJson } from '../json';

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Stores an answer by reference instead of by copy: `refer` turns an answer body into a small
 * reference (or null: store the copy), `resolve` turns the reference back into the body a
 * repeat gets. Basket answers are 34–82 KB and the basket row already holds them.
 */
export interface AnswerReferrer {
  kind: string;
  refer(body: unknown): Record<string, unknown> | null;
  resolve(ref: Record<string, unknown>): unknown;
}

export const requestHash = (method: string, path: string, body: unknown): string =>
  createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');

export class Idempotency {
  private readonly inFlight = new Set<string>();
  private readonly referrers = new Map<string, AnswerReferrer>();
  private readonly findSt;
  private readonly recordSt;

  constructor(
    db: Db,
    private readonly tx: Tx,
  ) {
    this.findSt = db.prepare<[string, string], { request_hash: string; status: number; response: string }>(
      `SELECT request_hash, status, response FROM idempotency WHERE device_id = ? AND key = ?`,
    );
    this.recordSt = db.prepare(
      `INSERT OR IGNORE INTO idempotency(device_id, key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
  }

  find(scope: string, key: string, hash: string): Answer | null {
    const row = this.findSt.get(scope, key);
    if (!row) return null;
    if (row.request_hash !== hash)
      throw new HubError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request');
    const stored = JSON.parse(row.response) as { $ref?: unknown } & Record<string, unknown>;
    const referrer = typeof stored.$ref === 'string' ? this.referrers.get(stored.$ref) : undefined;
    return { status: row.status, body: referrer ? referrer.resolve(stored) : stored };
  }

  /** Answers `refer` recognises are stored as references (see AnswerReferrer). */
  addReferrer(r: AnswerReferrer): void {
    this.referrers.set(r.kind, r);
  }

  private record(scope: string, key: string, hash: string, answer: Answer): void {
    let response: string | null = null;
    if (answer.status < 400)
      for (const r of this.referrers.values()) {
        const ref = r.refer(answer.body);
        if (ref) {
          response = JSON.stringify({ ...ref, $ref: r.kind });
          break;
        }
      }
    this.recordSt.run(scope, key, hash, answer.status, response ?? JSON.stringify(answer.body), nowIso());
  }

  /**
   * Runs a synchronous handler and records its answer in one transaction. The router calls it
   * inside a Tx.group member, so this transaction is a savepoint of the turn's group and a
   * repeat of a key whose first request is in the same group finds that request's record
   * (same connection, same transaction): it is answered the same, after the same commit, and
   * never runs twice. `relaxed` only matters when called outside a group.
   */
  runSync(
    scope: string,
    key: string,
    hash: string,
    fn: () => Answer,
    opts: { relaxed?: boolean } = {},
  ): Answer {
    const prior = this.find(scope, key, hash);
    if (prior) return prior;
    try {
      return this.tx.run(() => {
        const a = fn();
        this.record(scope, key, hash, a);
        return a;
      }, opts);
    } catch (err) {
      if (err instanceof HubError && err.status < 500) {
        const a = { status: err.status, body: err.toBody() };
        this.record(scope, key, hash, a);
        return a;
      }
      throw err;
    }
  }

  async runAsync(scope: string, key: string, hash: string, fn: () => Promise<Answer>): Promise<Answer> {
    const prior = this.find(scope, key, hash);
    if (prior) return prior;
    const flight = `${scope}\u0000${key}`;
    if (this.inFlight.has(flight))
      throw new HubError('REQUEST_IN_PROGRESS', 'a request with this Idempotency-Key is still running');
    this.inFlight.add(flight);
    try {
      let a: Answer;
      try {
        a = await fn();
      } catch (err) {
        if (!(err instanceof HubError) || err.status >= 500) throw err;
        a = { status: err.status, body: err.toBody() };
      }
      // Outside the handler's own transactions (it awaited in between): the record joins the
      // turn's group commit, and the answer waits for it, as a synchronous handler's does.
      await this.tx.group(() => this.record(scope, key, hash, a));
      return a;
    } finally {
      this.inFlight.delete(flight);
    }
  }
}
