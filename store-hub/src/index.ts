/** @kassa/store-hub: the in-store server. One entry point; the CLI is src/cli.ts; the browser client is ./client. */
export { startHub, DEFAULT_STATIC_MOUNTS } from './main';
export type { Hub, HubOptions } from './main';
export { openDatabase, migrate, SchemaTooNewError } from './platform/db/database';
export type { Db } from './platform/db/database';
export { MIGRATIONS } from './platform/db/migrations';
export type { Migration } from './platform/db/migrations';
export { Tx } from './platform/db/tx';
export { HubError, ERROR_STATUS } from './platform/errors';
export type { ErrorCode } from './platform/errors';
export { importDoc, readImportFile } from './modules/catalog/import';
export type { ImportReport } from './modules/catalog/import';
export { storeConfigSchema } from './modules/catalog/store-config';
export type { PaymentTerminal, TerminalResult } from './modules/payments/terminal/port';
export { TerminalSimulator } from './modules/payments/terminal/simulator';
export {
  enqueueOutbox,
  markOutboxFailed,
  markOutboxSent,
  outboxStatus,
  readOutbox,
  unsentOutbox,
  outboxEnvelopeSchema,
  OUTBOX_EVENT_TYPES,
} from './outbox';
export type { OutboxEnvelope, OutboxEvent } from './outbox';
export { ENDPOINTS } from './api/endpoints';
export { LIVE_EVENTS } from './api/events';
export { openApiDocument } from './openapi';
