/** The hub's better-sqlite3 handle, as sync sees it. */
import type Database from 'better-sqlite3';

export type Db = Database.Database;
