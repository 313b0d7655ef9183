import { SYNC_SCHEMA_SQL } from '../../../sync/schema';
import type { Migration } from './types';

/** The cloud inbox's tables (src/sync/schema.ts): stream versions, handled records, snapshot chunks, dead letters. */
export const m0005: Migration = { version: 5, name: 'cloud sync inbox', sql: SYNC_SCHEMA_SQL };
