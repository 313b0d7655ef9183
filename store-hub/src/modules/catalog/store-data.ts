/**
 * Reads the store's reference data (config, catalogue, promotions, tax) from SQLite and keeps
 * promo-core's StoreData for the current data version in memory. The version is the
 * replication clock, so any committed change — by this process or the import CLI — is
 * picked up on the next read.
 */
import type { Db } from '../../platform/db/database';
import { currentStamp } from '../../platform/db/database';
import { HubError } from '../../platform/errors';
import type { StoreData } from './pricing';
import { buildStoreData } from './pricing';
import type { StoreConfig } from './store-config';
import { storeConfigSchema } from './store-config';

export class StoreDataCache {
  private cached: { stamp: number; config: StoreConfig; data: StoreData } | null = null;

  constructor(private readonly db: Db) {}

  config(): StoreConfig {
    return this.current().config;
  }

  storeData(): StoreData {
    return this.current().data;
  }

  hasConfig(): boolean {
    return (
      this.db.prepare(`SELECT 1 FROM store_config WHERE id = 'store' AND deleted = 0`).get() !== undefined
    );
  }

  private current(): { config: StoreConfig; data: StoreData } {
    const stamp = currentStamp(this.db);
    if (this.cached && this.cached.stamp === stamp) return this.cached;
    const cfgRow = this.db
      .prepare(`SELECT doc FROM store_config WHERE id = 'store' AND deleted = 0`)
      .get() as { doc: string } | undefined;
    if (!cfgRow)
      throw new HubError('STORE_NOT_CONFIGURED', 'the store has no configuration; run store-hub import');
    const config = storeConfigSchema.parse(JSON.parse(cfgRow.doc));
    const docs = (sql: string): unknown[] =>
      (this.db.prepare(sql).all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as unknown);
    const data = buildStoreData({
      store_id: config.store_id,
      timezone: config.timezone,
      currency_exponent: config.currency_exponent,
      items: docs(`SELECT doc FROM catalog_items WHERE deleted = 0`),
      categories: docs(`SELECT doc FROM categories WHERE deleted = 0`),
      promotions: docs(`SELECT doc FROM promotions WHERE deleted = 0`),
      tax_rows: docs(`SELECT doc FROM tax_rows WHERE deleted = 0`),
      tax_config: config.tax,
      barcodes: config.barcodes,
      allow_negative_basket: config.allow_negative_basket,
      data_version: `hub:${stamp}`,
    });
    this.cached = { stamp, config, data };
    return this.cached;
  }
}
