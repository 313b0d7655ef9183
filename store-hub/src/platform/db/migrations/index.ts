/**
 * Forward-only schema migrations, one file per migration, applied in the order of this array.
 * Each runs once, in its own transaction, and sets PRAGMA user_version to its version; a
 * database newer than this list is refused so an old binary never writes to a schema it does
 * not understand.
 *
 * To add one: create `NNNN-what-it-does.ts` next to this file exporting
 * `export const mNNNN: Migration = { version: NNNN, name, sql }` (NNNN = last version + 1),
 * import it here and append it to the END of MIGRATIONS. Never edit or reorder a migration
 * that has shipped; the runner refuses versions out of order. Other modules keep their SQL
 * beside them and add a one-line file here that imports it (see 0004-staff-console.ts).
 */
import { m0001 } from './0001-initial-store-schema';
import { m0002 } from './0002-receipt-input';
import { m0003 } from './0003-cancelled-orders-keep-their-basket';
import { m0004 } from './0004-staff-console';
import { m0005 } from './0005-sync-inbox';
import { m0006 } from './0006-refund-parts';
import { m0007 } from './0007-basket-priced-parts';
import { m0008 } from './0008-throttle-state';
import type { Migration } from './types';

export type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008];
