/**
 * promo-core's StoreData built from the kiosk's replicated reference data, the same way the hub
 * builds its own from SQLite (same parsers, same defaults), so that the same basket and data
 * version give the same canonical JSON on both.
 */
import type { BarcodeConfig, Item, StoreData } from '@kassa/promo-core';
import {
  barcodeConfigSchema,
  CatalogIndex,
  createPromotionSet,
  parseItem,
  parseStoreTaxConfig,
  parseTaxTable,
} from '@kassa/promo-core';
import { kioskSettingsSchema } from '@kassa/store-hub/client';
import { z } from 'zod';

/** The part of the hub's store configuration the kiosk reads (defaults as the hub's schema has them). */
export const kioskStoreConfigSchema = z
  .object({
    store_id: z.string(),
    name: z.string().default(''),
    currency: z.string().default('GBP'),
    currency_sign: z.string().default(''),
    currency_exponent: z.number().int().min(0).max(4).default(2),
    timezone: z.string(),
    tax: z.unknown(),
    barcodes: z.unknown().default({}),
    allow_negative_basket: z.boolean().default(false),
    max_line_quantity: z.number().int().min(1).default(999),
    /** Kiosk behaviour: the hub's own schema, so its defaults and bounds are the hub's. */
    kiosk: kioskSettingsSchema.default(kioskSettingsSchema.parse({})),
  })
  .passthrough();
export type KioskStoreConfig = z.output<typeof kioskStoreConfigSchema>;

export interface ReferenceData {
  config: Record<string, unknown>;
  items: Record<string, unknown>[];
  categories: Record<string, unknown>[];
  promotions: Record<string, unknown>[];
  tax_rows: Record<string, unknown>[];
  /** Highest hub stamp among the rows (the data version the kiosk holds). */
  maxStamp: number;
}

export interface LocalStore {
  config: KioskStoreConfig;
  data: StoreData;
  /** Items by id for display (names, units, produce tiles). */
  items: Item[];
  maxStamp: number;
}

export function buildLocalStore(ref: ReferenceData): LocalStore {
  const config = kioskStoreConfigSchema.parse(ref.config);
  const exp = config.currency_exponent;
  const items: Item[] = [];
  ref.items.forEach((doc, i) => {
    const r = parseItem(doc, exp, i);
    if (r.ok) items.push(r.item);
  });
  const catalog = CatalogIndex.fromItems(items, { exponent: exp, categories: ref.categories as never });
  const data: StoreData = {
    store_id: config.store_id,
    timezone: config.timezone,
    currency_exponent: exp,
    catalog,
    promotions: ref.promotions.length > 0 ? createPromotionSet(ref.promotions, exp) : null,
    tax: { config: parseStoreTaxConfig(config.tax), table: parseTaxTable(ref.tax_rows) },
    barcodes: barcodeConfigSchema.parse(config.barcodes ?? {}) as BarcodeConfig,
    allow_negative_basket: config.allow_negative_basket,
    data_version: `hub:${ref.maxStamp}`,
  };
  return { config, data, items, maxStamp: ref.maxStamp };
}
