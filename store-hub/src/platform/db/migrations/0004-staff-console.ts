// The staff console's tables (issue 12); its SQL lives with the console modules.
import { CONSOLE_MIGRATION } from '../../../modules/console-auth/migration';
import type { Migration } from './types';

export const m0004: Migration = { version: 4, ...CONSOLE_MIGRATION };
