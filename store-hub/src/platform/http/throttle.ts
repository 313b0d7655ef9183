/**
 * Failed-attempt throttling for anything guessable (staff PINs, pairing codes): failures are
 * counted per key (an account, a client address) in a sliding window; reaching the limit locks
 * the key for a while, during which even a correct answer is refused. Kept in memory and, with
 * a ThrottleStore, written through to it on every change and loaded from it at start, so a
 * restart (or a crash the guesser provokes) forgives nobody (issue 8 §2).
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

export interface ThrottleEntry {
  /** When each failure still in the window happened (ms since the epoch). */
  failures: number[];
  /** Locked until then (ms since the epoch); 0 = not locked. */
  lockedUntil: number;
}

/** Where a throttle keeps its entries across restarts (the hub: SQLite, modules/security/store.ts). */
export interface ThrottleStore {
  load(scope: string): Iterable<[string, ThrottleEntry]>;
  save(scope: string, key: string, e: ThrottleEntry): void;
  remove(scope: string, key: string): void;
  /** Drops the scope's entries neither locked at `now` nor with a failure after `windowStart`. */
  prune(scope: string, now: number, windowStart: number): void;
}

/** Prune when this many keys are held (one guesser spraying addresses must not grow it without end). */
const PRUNE_AT = 10_000;

export class Throttle {
  private readonly entries = new Map<string, ThrottleEntry>();

  constructor(
    readonly scope: string,
    private readonly rule: ThrottleRule,
    private readonly onLock: (l: Lockout) => void = () => {},
    private readonly now: () => number = Date.now,
    private readonly store: ThrottleStore | null = null,
  ) {
    if (store) {
      // What expired while the hub was down goes first; the rest is as the last run left it.
      const t = this.now();
      store.prune(scope, t, t - rule.windowMs);
      for (const [key, e] of store.load(scope)) this.entries.set(key, e);
    }
  }

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
    this.store?.save(this.scope, key, e);
    if (this.entries.size > PRUNE_AT) this.prune();
  }

  succeed(key: string): void {
    const e = this.entries.get(key);
    if (e && e.lockedUntil <= this.now()) this.forget(key);
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

  /** Lifts a key's lock and failures; true when there was something in force to lift. */
  unlock(key: string): boolean {
    const e = this.entries.get(key);
    const t = this.now();
    // An entry that expired on its own is not "cleared" (and may already be pruned from disk).
    const live = e !== undefined && (e.lockedUntil > t || e.failures.some((x) => x > t - this.rule.windowMs));
    this.forget(key);
    return live;
  }

  private forget(key: string): boolean {
    const had = this.entries.delete(key);
    if (had) this.store?.remove(this.scope, key);
    return had;
  }

  private prune(): void {
    const t = this.now();
    for (const [k, e] of this.entries)
      if (e.lockedUntil <= t && e.failures.every((x) => x <= t - this.rule.windowMs)) this.entries.delete(k);
    this.store?.prune(this.scope, t, t - this.rule.windowMs);
  }
}
