/**
 * Idempotency-Key handling for mutating device requests: the first answer (success or error)
 * is stored under (device, key); a repeat with the same request returns it unchanged and runs
 * nothing; the same key on a different request is refused. Synchronous handlers record the
 * answer in the same transaction as their effect, so a crash cannot separate the two.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db/database';
import { HubError } from './errors';
import { nowIso } from './ids';

export interface Answer {
  status: number;
  body: unknown;
}

export const requestHash = (method: string, path: string, body: unknown): string =>
  createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');

export class Idempotency {
  private readonly inFlight = new Set<string>();

  constructor(private readonly db: Db) {}

  find(deviceId: string, key: string, hash: string): Answer | null {
    const row = this.db
      .prepare(`SELECT request_hash, status, response FROM idempotency WHERE device_id = ? AND key = ?`)
      .get(deviceId, key) as { request_hash: string; status: number; response: string } | undefined;
    if (!row) return null;
    if (row.request_hash !== hash)
      throw new HubError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used for a different request',
      );
    return { status: row.status, body: JSON.parse(row.response) as unknown };
  }

  record(deviceId: string, key: string, hash: string, answer: Answer): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO idempotency(device_id, key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(deviceId, key, hash, answer.status, JSON.stringify(answer.body), nowIso());
  }

  /** Runs a synchronous handler and records its answer in one transaction. */
  runSync(deviceId: string, key: string, hash: string, fn: () => Answer): Answer {
    const prior = this.find(deviceId, key, hash);
    if (prior) return prior;
    try {
      return this.db
        .transaction(() => {
          const a = fn();
          this.record(deviceId, key, hash, a);
          return a;
        })
        .immediate();
    } catch (err) {
      if (err instanceof HubError && err.status < 500) {
        const a = { status: err.status, body: err.toBody() };
        this.record(deviceId, key, hash, a);
        return a;
      }
      throw err;
    }
  }

  async runAsync(deviceId: string, key: string, hash: string, fn: () => Promise<Answer>): Promise<Answer> {
    const prior = this.find(deviceId, key, hash);
    if (prior) return prior;
    const flight = `${deviceId}\u0000${key}`;
    if (this.inFlight.has(flight))
      throw new HubError(409, 'REQUEST_IN_PROGRESS', 'a request with this Idempotency-Key is still running');
    this.inFlight.add(flight);
    try {
      let a: Answer;
      try {
        a = await fn();
      } catch (err) {
        if (!(err instanceof HubError) || err.status >= 500) throw err;
        a = { status: err.status, body: err.toBody() };
      }
      this.record(deviceId, key, hash, a);
      return a;
    } finally {
      this.inFlight.delete(flight);
    }
  }
}
