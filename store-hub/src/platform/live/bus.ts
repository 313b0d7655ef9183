/**
 * In-process live events, fanned out to socket.io rooms by the gateway. `emit` inside a
 * transaction is held until the outermost COMMIT (Tx.afterCommit): nobody hears of a change
 * that did not commit. `to` is a device id, 'staff', or 'devices' (every paired client).
 */
import { EventEmitter } from 'node:events';
import type { Tx } from '../db/tx';

export interface HubEvent {
  to: string;
  name: string;
  payload: unknown;
}

export class Bus extends EventEmitter<{ event: [HubEvent] }> {
  constructor(private readonly tx: Tx) {
    super();
  }

  emitTo(to: string, name: string, payload: unknown): void {
    this.tx.afterCommit(() => this.emit('event', { to, name, payload }));
  }
}
