/**
 * Failed-attempt throttling for anything guessable (staff PINs, pairing codes): failures are
 * counted per key (an account, a client address) in a sliding window; reaching the limit locks
 * the key for a while, during which even a correct answer is refused. In memory: a restart
 * clears it, which only someone with access to the hub machine can cause.
 */
import { HubError } from '../errors';

export interface ThrottleRule {
  /** Failures within `windowMs` that lock the key. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export interface Lockout {
  scope: string;
  key: string;
  failures: number;
  locked_until: string;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

export class Throttle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly scope: string,
    private readonly rule: ThrottleRule,
    private readonly onLock: (l: Lockout) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Refuses while the key is locked (429 with Retry-After seconds in details). */
  check(key: string): void {
    const e = this.entries.get(key);
    const t = this.now();
    if (e && e.lockedUntil > t)
      throw new HubError('TOO_MANY_ATTEMPTS', 'too many failed attempts; try again later or ask a manager', {
        scope: this.scope,
        retry_after_s: Math.ceil((e.lockedUntil - t) / 1000),
      });
  }

  fail(key: string): void {
    const t = this.now();
    const e = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
    e.failures = e.failures.filter((x) => x > t - this.rule.windowMs);
    e.failures.push(t);
    if (e.failures.length >= this.rule.maxFailures) {
      e.lockedUntil = t + this.rule.lockMs;
      e.failures = [];
      this.onLock({
        scope: this.scope,
        key,
        failures: this.rule.maxFailures,
        locked_until: new Date(e.lockedUntil).toISOString(),
      });
    }
    this.entries.set(key, e);
    if (this.entries.size > 10_000) this.prune();
  }

  succeed(key: string): void {
    const e = this.entries.get(key);
    if (e && e.lockedUntil <= this.now()) this.entries.delete(key);
  }

  /** Keys locked now (for staff to see). */
  locked(): Lockout[] {
    const t = this.now();
    return [...this.entries]
      .filter(([, e]) => e.lockedUntil > t)
      .map(([key, e]) => ({
        scope: this.scope,
        key,
        failures: this.rule.maxFailures,
        locked_until: new Date(e.lockedUntil).toISOString(),
      }));
  }

  unlock(key: string): boolean {
    return this.entries.delete(key);
  }

  private prune(): void {
    const t = this.now();
    for (const [k, e] of this.entries)
      if (e.lockedUntil <= t && e.failures.every((x) => x <= t - this.rule.windowMs)) this.entries.delete(k);
  }
}
