/**
 * Brute-force protection for the two guessable secrets: staff PINs (per account and per client
 * address) and pairing codes (per client address, and hub-wide so many addresses cannot share
 * the guessing). Locks are announced to staff (`security.lockout`) and listed for them. With a
 * database the throttles live in it (store.ts), so restarting the hub forgives no guesser.
 *
 * The throttles read the clock through `securityClock`: the wall clock, shifted by
 * KASSA_SECURITY_CLOCK_OFFSET_MS when set — for tests that restart the hub "after the lock
 * window" without waiting 15 minutes (setting it needs the hub machine, like stopping the hub).
 */
import type { Bus } from '../../platform/live/bus';
import type { Lockout } from '../../platform/http/throttle';
import { Throttle } from '../../platform/http/throttle';
import type { Db } from '../../platform/db/database';
import type { LOCKOUT_SCOPES } from './schemas';
import { SqliteThrottleStore } from './store';

export function securityClock(env: NodeJS.ProcessEnv = process.env): () => number {
  const offset = Number(env.KASSA_SECURITY_CLOCK_OFFSET_MS ?? 0);
  if (!Number.isFinite(offset) || offset === 0) return Date.now;
  return () => Date.now() + offset;
}

const MIN = 60_000;

export class Security {
  readonly staffAccount: Throttle;
  readonly staffAddress: Throttle;
  readonly pairingAddress: Throttle;
  readonly pairingAll: Throttle;

  constructor(bus: Bus, db: Db | null = null, now: () => number = securityClock()) {
    const announce = (l: Lockout): void => bus.emitTo('staff', 'security.lockout', l);
    const store = db ? new SqliteThrottleStore(db) : null;
    const throttle = (scope: string, rule: ConstructorParameters<typeof Throttle>[1]): Throttle =>
      new Throttle(scope, rule, announce, now, store);
    this.staffAccount = throttle('staff_account', { maxFailures: 5, windowMs: 15 * MIN, lockMs: 15 * MIN });
    this.staffAddress = throttle('staff_address', { maxFailures: 20, windowMs: 15 * MIN, lockMs: 15 * MIN });
    this.pairingAddress = throttle('pairing_address', {
      maxFailures: 10,
      windowMs: 15 * MIN,
      lockMs: 15 * MIN,
    });
    // 10^8 codes, a handful live for 15 minutes: 100 misses a minute hub-wide keeps guessing hopeless.
    this.pairingAll = throttle('pairing_all', { maxFailures: 100, windowMs: MIN, lockMs: MIN });
  }

  private all(): Throttle[] {
    return [this.staffAccount, this.staffAddress, this.pairingAddress, this.pairingAll];
  }

  lockouts(): Lockout[] {
    return this.all().flatMap((t) => t.locked());
  }

  clear(scope: (typeof LOCKOUT_SCOPES)[number], key: string): boolean {
    return (
      this.all()
        .find((t) => t.scope === scope)
        ?.unlock(key) ?? false
    );
  }

  /** Runs a guess: refused while any of its keys is locked; a wrong one counts against all of them. */
  async guess<T>(
    keys: [Throttle, string][],
    isWrong: (err: unknown) => boolean,
    fn: () => Promise<T> | T,
  ): Promise<T> {
    for (const [t, k] of keys) t.check(k);
    try {
      const out = await fn();
      for (const [t, k] of keys) t.succeed(k);
      return out;
    } catch (err) {
      if (isWrong(err)) for (const [t, k] of keys) t.fail(k);
      throw err;
    }
  }
}
