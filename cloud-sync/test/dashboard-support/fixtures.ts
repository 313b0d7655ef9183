/** The demo store (scripts/demo-data), smaller, with a few days of history at HQ. */
import { generateDemoStore } from '../../../scripts/demo-data/generate';
import type { StoreDocument } from '../../src/dashboard-api/demo/history';
import { generateHistory } from '../../src/dashboard-api/demo/history';
import type { HqDb } from '../../src/db';

export const STORE = 't41';

export function demoDoc(items = 400): StoreDocument {
  return generateDemoStore({ items, seed: 7 }) as unknown as StoreDocument;
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
