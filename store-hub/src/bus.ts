/**
 * In-process events raised after a commit, fanned out to socket.io rooms by the server.
 * `to` is a device id, 'staff', or 'devices' (every paired device).
 */
import { EventEmitter } from 'node:events';

export interface HubEvent {
  to: string;
  name: string;
  payload: unknown;
}

export class Bus extends EventEmitter<{ event: [HubEvent] }> {
  emitTo(to: string, name: string, payload: unknown): void {
    this.emit('event', { to, name, payload });
  }
}
