/**
 * Idempotency-Key handling: the first answer (success or error) is stored under (scope, key);
 * a repeat with the same request returns it unchanged and runs nothing; the same key on a
 * different request is refused. Requests are compared by their canonical JSON (key order does
 * not matter). Synchronous handlers record the answer in the same transaction as their effect,
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

export const requestHash = (method: string, path: string, body: unknown): string =>
  createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');

export class Idempotency {
  private readonly inFlight = new Set<string>();
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
    return { status: row.status, body: JSON.parse(row.response) as unknown };
  }

  private record(scope: string, key: string, hash: string, answer: Answer): void {
    this.recordSt.run(scope, key, hash, answer.status, JSON.stringify(answer.body), nowIso());
  }

  /** Runs a synchronous handler and records its answer in one transaction. */
  runSync(scope: string, key: string, hash: string, fn: () => Answer): Answer {
    const prior = this.find(scope, key, hash);
    if (prior) return prior;
    try {
      return this.tx.run(() => {
        const a = fn();
        this.record(scope, key, hash, a);
        return a;
      });
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
      this.record(scope, key, hash, a);
      return a;
    } finally {
      this.inFlight.delete(flight);
    }
  }
}
