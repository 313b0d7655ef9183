/**
 * Opens the HQ database: a `postgres://` URL → Debian's (or any) PostgreSQL through pg's pool;
 * anything else → PGlite, a directory (persistent) or `memory://` (tests). Migrations run on open.
 */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate } from './migrations';
import { PGliteDialect } from './pglite-dialect';
import type { HqSchema } from './schema';

export type HqDb = Kysely<HqSchema>;
export type { HqSchema } from './schema';
export { migrate, MIGRATIONS } from './migrations';

export interface OpenedDb {
  db: HqDb;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//.test(target);
}

export async function openHqDb(target: string, opts: { poolSize?: number } = {}): Promise<OpenedDb> {
  if (isPostgresUrl(target)) {
    const pool = new pg.Pool({ connectionString: target, max: opts.poolSize ?? 4 });
    // A dropped connection (server restart) is reported here; the pool replaces it, so the
    // process must not die of an unhandled 'error' event.
    pool.on('error', () => undefined);
    // A client checked out by Kysely (between the statements of a transaction) has no pool
    // listener; its query fails and is retried by the caller, so the event itself is not news.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<HqSchema>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db);
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const pglite = await PGlite.create(target === 'memory://' ? undefined : target);
  const db = new Kysely<HqSchema>({ dialect: new PGliteDialect(pglite) });
  await migrate(db);
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

/** int8 from either driver (string from pg, bigint or number from PGlite) as bigint. */
export const int8 = (v: unknown): bigint =>
  typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : String(v ?? 0));

/** timestamptz from either driver as an ISO string. */
export const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string | Date).toISOString();
