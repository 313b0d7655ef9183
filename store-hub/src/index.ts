/** @kassa/store-hub: the in-store server. One entry point; the CLI is src/cli.ts. */
export { startHub } from './server';
export type { Hub, HubOptions } from './server';
export { openDatabase, migrate, SchemaTooNewError } from './db/database';
export { importDoc, readImportFile } from './import';
export type { ImportReport } from './import';
export { storeConfigSchema } from './store-config';
export type { PaymentTerminal, TerminalResult } from './payment/terminal';
export { TerminalSimulator } from './payment/simulator';
export { markOutboxFailed, markOutboxSent, outboxStatus, readOutbox } from './outbox';
