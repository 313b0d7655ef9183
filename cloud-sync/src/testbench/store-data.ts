/**
 * HQ's copy of a store's pricing data at a given version of each stream, rebuilt from what HQ
 * itself published (hq_outbox keeps every snapshot chunk and delta ever sent, never pruned):
 * the latest snapshot at or below the version, then the deltas after it, in order. Built into
 * promo-core's StoreData exactly as the hub builds its own, so both price with the same code.
 */
import type { StoreData } from '@kassa/promo-core';
import {
  CatalogIndex,
  barcodeConfigSchema,
  createPromotionSet,
  parseItem,
  parseStoreTaxConfig,
  parseTaxTable,
} from '@kassa/promo-core';
import { int8 } from '../db';
import type { DashDb } from '../access/schema';
import { storeStreamTopic } from '../protocol';
import { docId } from '../publishing';

export type PricingStream = 'catalog' | 'promotions' | 'tax';
export const PRICING_STREAMS: readonly PricingStream[] = ['catalog', 'promotions', 'tax'];

/** Everything promo-core needs for one store, as plain documents (structured-clone friendly for the worker). */
export interface StoreDocs {
  store_id: string;
  timezone: string;
  currency_exponent: number;
  /** Store tax configuration (store.md §4.1) and barcode layouts, the hub's store-config fields. */
  tax_config: unknown;
  barcodes: unknown;
  allow_negative_basket: boolean;
  items: unknown[];
  categories: unknown[];
  promotions: unknown[];
  tax_rows: unknown[];
  versions: Partial<Record<PricingStream, number>>;
  /** Whether HQ holds the store's pricing configuration (else neutral defaults were used). */
  configured?: boolean;
}

export function dataVersionLabel(v: StoreDocs['versions']): string {
  return `streams:${PRICING_STREAMS.filter((s) => v[s] !== undefined)
    .map((s) => `${s}=${v[s]}`)
    .join(';')}`;
}

/** `streams:catalog=4;promotions=7;tax=2` → versions (null for any other label, e.g. a hub-local stamp). */
export function parseDataVersion(label: string | null | undefined): StoreDocs['versions'] | null {
  const m = /^streams:(.*)$/.exec(label ?? '');
  if (!m) return null;
  const out: StoreDocs['versions'] = {};
  for (const part of m[1]!.split(';').filter(Boolean)) {
    const [k, v] = part.split('=');
    if ((k === 'catalog' || k === 'promotions' || k === 'tax') && /^\d+$/.test(v ?? '')) out[k] = Number(v);
  }
  return out;
}

const idOf = (d: unknown, key: string): string | undefined => {
  const v = d && typeof d === 'object' ? (d as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
};
export interface StreamState {
  version: number;
  docs: Map<string, unknown>;
  categories: Map<string, unknown>;
}

interface Published {
  type: string;
  stream_version: number;
  chunk?: { index: number; count: number };
  [k: string]: unknown;
}

const SECTION = { catalog: 'items', promotions: 'promotions', tax: 'tax_table' } as const;
// The same document ids the publisher keys deltas and deletes by.
const keyOf = (stream: PricingStream, d: unknown, i: number): string => docId(stream, d, i);

/**
 * Folds the published messages of one stream (in publication order) up to `version`
 * (undefined = the latest). Pure, so the rebuild is tested without a database.
 */
export function foldStream(
  stream: PricingStream,
  messages: readonly Published[],
  version?: number,
): StreamState {
  const upTo = version ?? Math.max(0, ...messages.map((m) => m.stream_version));
  const state: StreamState = { version: 0, docs: new Map(), categories: new Map() };
  const ofStream = messages.filter(
    (m) => m.stream_version <= upTo && m.type.startsWith(stream === 'tax' ? 'tax.' : `${stream}.`),
  );
  const snapshots = ofStream.filter((m) => m.type.endsWith('.snapshot')).map((m) => m.stream_version);
  const base = snapshots.length ? Math.max(...snapshots) : 0;
  const addCategories = (m: Published) => {
    for (const c of (m.categories as unknown[] | undefined) ?? []) {
      const id = idOf(c, 'category_id');
      if (id) state.categories.set(id, c);
    }
  };
  for (const m of ofStream) {
    if (m.stream_version < base) continue;
    if (m.type.endsWith('.snapshot')) {
      if (m.stream_version !== base) continue;
      for (const d of (m[SECTION[stream]] as unknown[] | undefined) ?? [])
        state.docs.set(keyOf(stream, d, state.docs.size), d);
      addCategories(m);
    } else if (m.stream_version > base) {
      for (const d of (m.upserts as unknown[] | undefined) ?? [])
        state.docs.set(keyOf(stream, d, state.docs.size), d);
      for (const id of (m.deletes as string[] | undefined) ?? []) state.docs.delete(id);
      addCategories(m);
    }
    state.version = Math.max(state.version, m.stream_version);
  }
  return state;
}

/** Every pricing message HQ published to one store, oldest first. */
export async function publishedMessages(db: DashDb, storeId: string): Promise<Published[]> {
  const rows = await db
    .selectFrom('hq_outbox')
    .select(['seq', 'value'])
    .where('topic', '=', storeStreamTopic(storeId))
    .orderBy('seq')
    .execute();
  const out: Published[] = [];
  for (const r of rows) {
    const env = JSON.parse(r.value) as { type: string; data: Record<string, unknown> };
    if (!/^(catalog|promotions|tax\.table)\.(snapshot|delta)$/.test(env.type)) continue;
    out.push({ ...env.data, type: env.type, stream_version: Number(env.data.stream_version) });
  }
  return out;
}

export interface StoreSettings {
  timezone: string;
  currency_exponent: number;
  tax_config: unknown;
  barcodes: unknown;
  allow_negative_basket: boolean;
  /** False when HQ holds no pricing configuration for the store and these are neutral defaults. */
  configured: boolean;
}

/** The store's settings HQ holds (its pricing config if one was registered, else neutral defaults). */
export async function storeSettings(db: DashDb, storeId: string): Promise<StoreSettings | null> {
  const s = await db
    .selectFrom('stores')
    .select(['timezone', 'currency_exponent'])
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  if (!s) return null;
  const cfg = await db
    .selectFrom('store_pricing_config')
    .select('config')
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  const c = (cfg?.config ?? {}) as Partial<StoreSettings>;
  return {
    timezone: s.timezone,
    currency_exponent: s.currency_exponent,
    tax_config: c.tax_config ?? { prices_include_tax: true },
    barcodes: c.barcodes ?? {},
    allow_negative_basket: c.allow_negative_basket ?? false,
    configured: cfg !== undefined,
  };
}

/** Records the settings promo-core needs from a hub's store_config (tax mode, barcode layouts). */
export async function setPricingConfig(
  db: DashDb,
  storeId: string,
  storeConfig: { tax?: unknown; barcodes?: unknown; allow_negative_basket?: unknown },
): Promise<void> {
  const cfg = JSON.stringify({
    tax_config: storeConfig.tax ?? { prices_include_tax: true },
    barcodes: storeConfig.barcodes ?? {},
    allow_negative_basket: storeConfig.allow_negative_basket === true,
  });
  const now = new Date().toISOString();
  await db
    .insertInto('store_pricing_config')
    .values({ store_id: storeId, config: cfg, updated_at: now })
    .onConflict((oc) => oc.column('store_id').doUpdateSet({ config: cfg, updated_at: now }))
    .execute();
}

/** The store's documents at the given stream versions (missing = latest published). */
export async function loadStoreDocs(
  db: DashDb,
  storeId: string,
  versions: StoreDocs['versions'] = {},
  cache?: Map<string, Published[]>,
): Promise<StoreDocs | null> {
  const settings = await storeSettings(db, storeId);
  if (!settings) return null;
  let messages = cache?.get(storeId);
  if (!messages) {
    messages = await publishedMessages(db, storeId);
    cache?.set(storeId, messages);
  }
  const cat = foldStream('catalog', messages, versions.catalog);
  const pro = foldStream('promotions', messages, versions.promotions);
  const tax = foldStream('tax', messages, versions.tax);
  return {
    store_id: storeId,
    ...settings,
    items: [...cat.docs.values()],
    categories: [...cat.categories.values()],
    promotions: [...pro.docs.values()],
    tax_rows: [...tax.docs.values()],
    versions: { catalog: cat.version, promotions: pro.version, tax: tax.version },
  };
}

/** promo-core's StoreData for the documents (invalid rows are skipped, as the hub skips them). */
export function buildStoreData(d: StoreDocs, promotions: unknown[] = d.promotions): StoreData {
  const items = [];
  for (let i = 0; i < d.items.length; i++) {
    const r = parseItem(d.items[i], d.currency_exponent, i);
    if (r.ok) items.push(r.item);
  }
  return {
    store_id: d.store_id,
    timezone: d.timezone,
    currency_exponent: d.currency_exponent,
    catalog: CatalogIndex.fromItems(items, {
      exponent: d.currency_exponent,
      categories: d.categories as never,
    }),
    promotions: promotions.length > 0 ? createPromotionSet(promotions, d.currency_exponent) : null,
    tax: { config: parseStoreTaxConfig(d.tax_config), table: parseTaxTable(d.tax_rows) },
    barcodes: barcodeConfigSchema.parse(d.barcodes ?? {}),
    allow_negative_basket: d.allow_negative_basket,
    data_version: dataVersionLabel(d.versions),
  };
}

export const versionNumber = (v: unknown): number => Number(int8(v));
