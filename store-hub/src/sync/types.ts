/**
 * What sync needs from the rest of the hub, kept narrow so the relay and inbox depend on the
 * outbox table and an enqueue function only, not on the hub's modules.
 */

/** One outgoing event; the hub's enqueue adds event_id, hub_seq, store, dates (§6.1). */
export interface OutgoingEvent {
  type: string;
  key: string;
  device_id: string | null;
  data: unknown;
}

/** Writes an event to the outbox; must be called inside the caller's SQLite transaction. */
export type Enqueue = (event: OutgoingEvent) => void;

export interface SyncLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const NOOP_LOGGER: SyncLogger = { info() {}, warn() {}, error() {} };
