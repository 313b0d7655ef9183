/** The demo store (scripts/demo-data), smaller, with a few days of history at HQ. */
import { generateDemoStore } from '../../../scripts/demo-data/generate';
import type { StoreDocument } from '../../src/dashboard-api/demo/history';
import { generateHistory } from '../../src/dashboard-api/demo/history';
import type { HqDb } from '../../src/db';
import { validateDocument } from '../../src/publishing';

export const STORE = 't41';

/** The demo store as store `storeId`: its promotions re-pointed at it, those a small catalogue cannot fill left out. */
export function demoDoc(items = 400, storeId = STORE): StoreDocument {
  const doc = generateDemoStore({ items, seed: 7 }) as unknown as StoreDocument;
  doc.store_config.store_id = storeId;
  const promos = (doc.promotions ?? []).map((p) => ({
    ...(p as Record<string, unknown>),
    stores: [storeId],
  }));
  const bad = new Set(validateDocument('promotions', { promotions: promos }, 2).rejected.map((r) => r.index));
  doc.promotions = promos.filter((_, i) => !bad.has(i));
  return doc;
}

export async function seedHistory(
  db: HqDb,
  o: { storeId?: string; days?: number; perDay?: number; endDate?: string } = {},
) {
  return generateHistory(db, demoDoc(), {
    storeId: o.storeId ?? STORE,
    name: 'Test Market',
    days: o.days ?? 2,
    ordersPerDay: o.perDay ?? 30,
    endDate: o.endDate ?? '2026-03-02',
    seed: 5,
    demo: false,
  });
}
