/**
 * Brute-force protection for the two guessable secrets: staff PINs (per account and per client
 * address) and pairing codes (per client address, and hub-wide so many addresses cannot share
 * the guessing). Locks are announced to staff (`security.lockout`) and listed for them.
 */
import type { Bus } from '../../platform/live/bus';
import type { Lockout } from '../../platform/http/throttle';
import { Throttle } from '../../platform/http/throttle';
import type { LOCKOUT_SCOPES } from './schemas';

const MIN = 60_000;

export class Security {
  readonly staffAccount: Throttle;
  readonly staffAddress: Throttle;
  readonly pairingAddress: Throttle;
  readonly pairingAll: Throttle;

  constructor(bus: Bus) {
    const announce = (l: Lockout): void => bus.emitTo('staff', 'security.lockout', l);
    this.staffAccount = new Throttle(
      'staff_account',
      { maxFailures: 5, windowMs: 15 * MIN, lockMs: 15 * MIN },
      announce,
    );
    this.staffAddress = new Throttle(
      'staff_address',
      { maxFailures: 20, windowMs: 15 * MIN, lockMs: 15 * MIN },
      announce,
    );
    this.pairingAddress = new Throttle(
      'pairing_address',
      { maxFailures: 10, windowMs: 15 * MIN, lockMs: 15 * MIN },
      announce,
    );
    // 10^8 codes, a handful live for 15 minutes: 100 misses a minute hub-wide keeps guessing hopeless.
    this.pairingAll = new Throttle('pairing_all', { maxFailures: 100, windowMs: MIN, lockMs: MIN }, announce);
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
