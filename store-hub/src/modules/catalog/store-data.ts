/**
 * Reads the store's reference data (config, catalogue, promotions, tax) from SQLite and keeps
 * promo-core's StoreData for the current data version in memory.
 *
 * The data version is the newest replication stamp among the reference tables (every change —
 * by this process, the import CLI or the HQ inbox — stamps the rows it writes; deletions are
 * soft, so they stamp too). Other replicated writes (kiosk documents) do not touch it, so they
 * never cause a rebuild.
 *
 * Data changes never stall sales (issue 8 §3): once a StoreData exists, a newer version is
 * built in the background — catalogue documents read and parsed in slices, yielding to the
 * event loop between them — while requests keep using the previous one; the new one is then
 * swapped in whole, so a pricing sees one version or the other, never a mix. If the data moved
 * on again during the build, it starts over. Only the very first build (nothing to serve yet)
 * is synchronous. `refresh()` waits for the newest version to be live (an import answers after
 * it, so the importer sees its own change).
 */
import type { Db } from '../../platform/db/database';
import { HubError } from '../../platform/errors';
import type { Item, StoreData } from './pricing';
import { buildStoreDataFrom, parseCatalogItem } from './pricing';
import type { StoreConfig } from './store-config';
import { storeConfigSchema } from './store-config';

/** Catalogue documents read and parsed per slice of a background build (~5–10 ms of work). */
const SLICE = 400;

interface Snapshot {
  version: number;
  config: StoreConfig;
  data: StoreData;
}

export class StoreDataCache {
  private cached: Snapshot | null = null;
  private building: { version: number; done: Promise<void> } | null = null;
  private readonly st;

  constructor(private readonly db: Db) {
    this.st = {
      version: db.prepare<[], { v: number | null }>(
        `SELECT MAX(v) AS v FROM (
           SELECT MAX(updated_at) AS v FROM catalog_items
           UNION ALL SELECT MAX(updated_at) FROM categories
           UNION ALL SELECT MAX(updated_at) FROM promotions
           UNION ALL SELECT MAX(updated_at) FROM tax_rows
           UNION ALL SELECT MAX(updated_at) FROM store_config)`,
      ),
      config: db.prepare<[], { doc: string }>(
        `SELECT doc FROM store_config WHERE id = 'store' AND deleted = 0`,
      ),
      hasConfig: db.prepare(`SELECT 1 FROM store_config WHERE id = 'store' AND deleted = 0`),
      items: db.prepare<[], { doc: string }>(`SELECT doc FROM catalog_items WHERE deleted = 0`),
      itemSlice: db.prepare<[number, number], { rowid: number; doc: string }>(
        `SELECT rowid, doc FROM catalog_items WHERE deleted = 0 AND rowid > ? ORDER BY rowid LIMIT ?`,
      ),
      categories: db.prepare<[], { doc: string }>(`SELECT doc FROM categories WHERE deleted = 0`),
      promotions: db.prepare<[], { doc: string }>(`SELECT doc FROM promotions WHERE deleted = 0`),
      taxRows: db.prepare<[], { doc: string }>(`SELECT doc FROM tax_rows WHERE deleted = 0`),
    };
  }

  config(): StoreConfig {
    return this.current().config;
  }

  storeData(): StoreData {
    return this.current().data;
  }

  hasConfig(): boolean {
    return this.st.hasConfig.get() !== undefined;
  }

  /** The data version the hub is pricing with (`hub:<stamp>` in priced baskets). */
  liveVersion(): number | null {
    return this.cached?.version ?? null;
  }

  /** Resolves once the newest committed reference data is the one in use. */
  async refresh(): Promise<void> {
    for (;;) {
      const version = this.dataVersion();
      if (!this.cached) {
        this.current();
        return;
      }
      if (this.cached.version === version) return;
      await this.rebuild(version);
    }
  }

  private dataVersion(): number {
    return this.st.version.get()?.v ?? 0;
  }

  private current(): Snapshot {
    const version = this.dataVersion();
    const cached = this.cached;
    if (cached && cached.version === version) return cached;
    if (!cached) {
      this.cached = this.buildNow(version);
      return this.cached;
    }
    void this.rebuild(version);
    return cached;
  }

  /** Starts (or joins) the background build of `version`; resolves when it is swapped in. */
  private rebuild(version: number): Promise<void> {
    if (this.building && this.building.version >= version) return this.building.done;
    const done = this.buildInSlices(version).then(
      (snap) => {
        if (snap && (!this.cached || snap.version > this.cached.version)) this.cached = snap;
      },
      () => {
        // A broken change (e.g. the config removed) is reported by the next synchronous read;
        // until then the previous data keeps the store trading.
      },
    );
    const entry = { version, done };
    this.building = entry;
    void done.finally(() => {
      if (this.building === entry) this.building = null;
    });
    return done;
  }

  private readConfig(): StoreConfig {
    const cfgRow = this.st.config.get();
    if (!cfgRow)
      throw new HubError('STORE_NOT_CONFIGURED', 'the store has no configuration; run store-hub import');
    return storeConfigSchema.parse(JSON.parse(cfgRow.doc));
  }

  private rest(config: StoreConfig, version: number) {
    const docs = (rows: { doc: string }[]): unknown[] => rows.map((r) => JSON.parse(r.doc) as unknown);
    return {
      store_id: config.store_id,
      timezone: config.timezone,
      currency_exponent: config.currency_exponent,
      currency: config.currency,
      categories: docs(this.st.categories.all()),
      promotions: docs(this.st.promotions.all()),
      tax_rows: docs(this.st.taxRows.all()),
      tax_config: config.tax,
      barcodes: config.barcodes,
      allow_negative_basket: config.allow_negative_basket,
      data_version: `hub:${version}`,
    };
  }

  private buildNow(version: number): Snapshot {
    const config = this.readConfig();
    const items: Item[] = [];
    this.st.items.all().forEach((r, i) => {
      const item = parseCatalogItem(JSON.parse(r.doc), config.currency_exponent, i);
      if (item) items.push(item);
    });
    return { version, config, data: buildStoreDataFrom(this.rest(config, version), items) };
  }

  /** The background build; null when the data changed under it (the caller starts again). */
  private async buildInSlices(version: number): Promise<Snapshot | null> {
    const config = this.readConfig();
    const items: Item[] = [];
    let after = 0;
    let index = 0;
    for (;;) {
      const rows = this.st.itemSlice.all(after, SLICE);
      for (const r of rows) {
        const item = parseCatalogItem(JSON.parse(r.doc), config.currency_exponent, index++);
        if (item) items.push(item);
      }
      if (rows.length < SLICE) break;
      after = rows[rows.length - 1]!.rowid;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Slices read at different moments: only a build that saw no change in between is whole.
    if (this.dataVersion() !== version) return null;
    return { version, config, data: buildStoreDataFrom(this.rest(config, version), items) };
  }
}
