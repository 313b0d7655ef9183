/**
 * The two HQ databases every database test runs against: PGlite in memory and a fresh database
 * on the run's PostgreSQL server (skipped, with the reason, when the server is not available).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { OpenedDb } from '../../src/db';
import { openHqDb } from '../../src/db';

export interface DbTarget {
  name: 'pglite' | 'postgres';
  available: boolean;
  open(): Promise<OpenedDb & { url: string }>;
}

/** A new, empty database on the test server: its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  const env = inject('postgres');
  if (!env) throw new Error('no PostgreSQL server in this run');
  const name = `hq_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: env.url });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return env.url.replace(/\/kassa$/, `/${name}`);
}

export const DB_TARGETS: DbTarget[] = [
  {
    name: 'pglite',
    available: true,
    open: async () => ({ ...(await openHqDb('memory://')), url: 'memory://' }),
  },
  {
    name: 'postgres',
    available: inject('postgres') !== null,
    open: async () => {
      const url = await freshPostgresDatabase();
      return { ...(await openHqDb(url)), url };
    },
  },
];
