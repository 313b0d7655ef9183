/** One forward-only schema migration (see ./index.ts for how to add one). */
export interface Migration {
  /** Must equal its position in MIGRATIONS + 1: versions are dense and ordered. */
  version: number;
  name: string;
  sql: string;
  /**
   * Table rebuilds (SQLite cannot drop a constraint) run with foreign keys off, as SQLite's
   * documented procedure requires; the runner checks every reference before committing.
   */
  rebuildsTables?: boolean;
}
