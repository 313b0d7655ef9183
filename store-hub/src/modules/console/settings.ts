/**
 * Store settings the console edits or reads, with defaults. The store configuration from HQ
 * may carry them (`denominations`, `random_verification_rate`, `refund_policy`,
 * `price_override_max_percent`); a value set in the console overrides it locally.
 */
import { parseMoney } from '@kassa/promo-core';
import type { Db } from '../../platform/db/database';
import type { z } from 'zod';
import { refundPolicySchema, type StoreConfig } from '../catalog/store-config';
import type { StoreDataCache } from '../catalog/store-data';

/** Notes and coins per currency when the store configuration lists none. */
const DEFAULT_DENOMINATIONS: Record<string, string[]> = {
  GBP: ['50.00', '20.00', '10.00', '5.00', '2.00', '1.00', '0.50', '0.20', '0.10', '0.05', '0.02', '0.01'],
  EUR: [
    '200.00',
    '100.00',
    '50.00',
    '20.00',
    '10.00',
    '5.00',
    '2.00',
    '1.00',
    '0.50',
    '0.20',
    '0.10',
    '0.05',
    '0.02',
    '0.01',
  ],
  USD: ['100.00', '50.00', '20.00', '10.00', '5.00', '1.00', '0.25', '0.10', '0.05', '0.01'],
};

export type RefundPolicy = z.output<typeof refundPolicySchema>;

export class ConsoleSettings {
  constructor(
    private readonly db: Db,
    private readonly store: StoreDataCache,
  ) {}

  private cfg(): StoreConfig {
    return this.store.config();
  }

  private local(key: string): string | undefined {
    return this.db
      .prepare<[string], { value: string }>(`SELECT value FROM console_settings WHERE key = ?`)
      .get(key)?.value;
  }

  set(key: string, value: string): void {
    this.db
      .prepare(
        `INSERT INTO console_settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run(key, value);
  }

  denominations(): string[] {
    const c = this.cfg();
    if (c.denominations.length > 0) return c.denominations;
    return DEFAULT_DENOMINATIONS[c.currency] ?? DEFAULT_DENOMINATIONS.EUR!;
  }

  /** Percentage of orders sent to a random exit check, as a decimal string. */
  randomCheckPercent(): string {
    const v = this.local('random_check_percent') ?? this.cfg().random_verification_rate;
    return typeof v === 'string' && /^\d{1,3}(\.\d{1,2})?$/.test(v) ? v : '0';
  }

  /** In hundredths of a percent (5000 = 50 %). */
  priceOverrideMaxPercent(): bigint {
    const v = this.local('price_override_max_percent') ?? this.cfg().price_override_max_percent;
    try {
      return typeof v === 'string' || typeof v === 'number' ? parseMoney(String(v), 2) : 5000n;
    } catch {
      return 5000n;
    }
  }

  refundPolicy(): RefundPolicy {
    return this.cfg().refund_policy ?? refundPolicySchema.parse({});
  }
}
