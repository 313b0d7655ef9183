/**
 * vitest globalSetup: one PostgreSQL server (Debian's, started by scripts/postgres/pg-up.sh as a
 * non-root user on loopback) for the run, provided as inject('postgres'); null when the server
 * binaries are missing, and the PostgreSQL half of the database tests then skips, saying why.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { url: string; pgdata: string; port: number } | null;
  }
}

const run = promisify(execFile);
const SCRIPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/postgres');

const DB_TEST = /ingest|postgres|pg|db|hq|dead|publish/i;

function runNeedsPostgres(): boolean {
  // Positional CLI arguments are file filters; none means the whole suite.
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && !/vitest/.test(a));
  return args.length === 0 || args.some((a) => DB_TEST.test(a));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!runNeedsPostgres()) {
    project.provide('postgres', null);
    return async () => undefined;
  }
  let out: string;
  try {
    out = (await run('bash', [path.join(SCRIPTS, 'pg-up.sh')], { timeout: 120_000 })).stdout;
  } catch (err) {
    // In CI a missing database must fail the run, not hide as a skip.
    if (process.env.CI === 'true')
      throw new Error(`postgres: could not start the test server: ${String(err)}`);
    console.warn(`postgres: not started (${String(err).split('\n')[0]}); the PostgreSQL tests are skipped`);
    project.provide('postgres', null);
    return async () => undefined;
  }
  const kv = Object.fromEntries(
    out
      .trim()
      .split(/\s+/)
      .map((p) => p.split('=') as [string, string]),
  );
  const env = { url: kv.PGURL!, pgdata: kv.PGDATA!, port: Number(kv.PGPORT) };
  project.provide('postgres', env);
  return async () => {
    await run('bash', [path.join(SCRIPTS, 'pg-down.sh'), env.pgdata], { timeout: 60_000 }).catch(
      () => undefined,
    );
  };
}
