/**
 * The hub's one SQLite database: WAL, foreign keys, synchronous=FULL so a commit that returned
 * is on disk (a completed sale must survive a power cut), and the migration runner.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Migration } from './migrations';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export const DB_FILE = 'kassa-hub.sqlite';

export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(`database schema version ${found} is newer than this hub supports (${supported}); upgrade the hub`);
    this.name = 'SchemaTooNewError';
  }
}

export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    const prev = migrations[i - 1];
    if (prev && m.version <= prev.version)
      throw new Error(
        `migration ${m.name} (version ${m.version}) is out of order: append new migrations at the end`,
      );
  });
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new SchemaTooNewError(current, latest);
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0)
            throw new Error(`migration ${m.version} would break ${broken.length} references`);
        }
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } finally {
      if (m.rebuildsTables) db.pragma('foreign_keys = ON');
    }
  }
  return db.pragma('user_version', { simple: true }) as number;
}

export function openDatabase(dataDir: string, opts: { migrate?: boolean } = {}): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (opts.migrate !== false) {
    try {
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return db;
}

/**
 * A statement prepared once per connection and SQL text (preparing costs tens of µs; hot
 * helpers used to prepare on every call). Only for statements that are not iterated
 * re-entrantly, which is every helper here.
 */
const statements = new WeakMap<Db, Map<string, Database.Statement>>();
export function cached(db: Db, sql: string): Database.Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/**
 * Replication clock: a strictly increasing integer (milliseconds, bumped past the last value)
 * stamped on every replicated row written in one transaction. Kept in `meta` so writers in
 * other processes (the import CLI) continue the same sequence. Must run inside a write txn.
 */
export function nextStamp(db: Db): number {
  const row = cached(db, `SELECT value FROM meta WHERE key = 'repl_clock'`).get() as
    { value: string } | undefined;
  const last = row ? Number(row.value) : 0;
  const stamp = Math.max(Date.now(), last + 1);
  cached(
    db,
    `INSERT INTO meta(key, value) VALUES ('repl_clock', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
  ).run(String(stamp));
  return stamp;
}

export function currentStamp(db: Db): number {
  const row = cached(db, `SELECT value FROM meta WHERE key = 'repl_clock'`).get() as
    { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = cached(db, `SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  cached(
    db,
    `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
  ).run(key, value);
}
