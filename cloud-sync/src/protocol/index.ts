/**
 * The sync protocol between store hubs and HQ (spec/store.md §6): topics, envelope, a schema per
 * event type and version, and the registry that decodes a record or says why it is a dead
 * letter. zod only, so the hub, HQ and a browser can all import it
 * (`@kassa/cloud-sync/protocol`).
 */
export * from './topics';
export * from './wire';
export * from './envelope';
export * from './order-snapshot';
export * from './store-events';
export * from './cloud-events';
export * from './registry';
export * from './snapshot-builder';
