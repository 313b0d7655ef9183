/** The stores HQ knows (publishing targets, their time zone and currency) and store groups. */
import { z } from 'zod';
import type { HqDb } from '../db';
import { storeIdSchema } from '../protocol';

export const storeInputSchema = z.strictObject({
  store_id: storeIdSchema,
  name: z.string().min(1).max(200),
  timezone: z
    .string()
    .min(1)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
  currency_exponent: z.number().int().min(0).max(4).default(2),
  demo: z.boolean().default(false),
  groups: z.array(z.string().min(1).max(64)).max(100).default([]),
});
export type StoreInput = z.input<typeof storeInputSchema>;

/** Creates or updates a store and replaces its group memberships. */
export async function upsertStore(db: HqDb, input: StoreInput): Promise<void> {
  const s = storeInputSchema.parse(input);
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('stores')
      .values({
        store_id: s.store_id,
        name: s.name,
        timezone: s.timezone,
        currency: s.currency,
        currency_exponent: s.currency_exponent,
        demo: s.demo,
      })
      .onConflict((oc) =>
        oc.column('store_id').doUpdateSet({
          name: s.name,
          timezone: s.timezone,
          currency: s.currency,
          currency_exponent: s.currency_exponent,
          demo: s.demo,
        }),
      )
      .execute();
    await tx.deleteFrom('store_groups').where('store_id', '=', s.store_id).execute();
    if (s.groups.length)
      await tx
        .insertInto('store_groups')
        .values(s.groups.map((g) => ({ group_id: g, store_id: s.store_id })))
        .execute();
  });
}

export async function listStores(db: HqDb) {
  const stores = await db.selectFrom('stores').selectAll().orderBy('store_id').execute();
  const groups = await db.selectFrom('store_groups').selectAll().execute();
  return stores.map((s) => ({
    store_id: s.store_id,
    name: s.name,
    timezone: s.timezone,
    currency: s.currency,
    currency_exponent: s.currency_exponent,
    demo: s.demo,
    groups: groups
      .filter((g) => g.store_id === s.store_id)
      .map((g) => g.group_id)
      .sort(),
  }));
}
