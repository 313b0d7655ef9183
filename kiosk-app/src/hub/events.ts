/**
 * Live events from the hub over socket.io (same origin as the API), each parsed with the
 * hub's own event schema (`onLiveEvent` from the typed client); a malformed event is dropped.
 */
import { onLiveEvent } from '@kassa/store-hub/client';
import type { LiveEventPayload } from '@kassa/store-hub/client';
import { io } from 'socket.io-client';

export interface HubEventHandlers {
  connected(): void;
  disconnected(): void;
  state(s: LiveEventPayload<'state'>): void;
  basketUpdated(b: LiveEventPayload<'basket.updated'>): void;
  interventionDecided(i: LiveEventPayload<'intervention.decided'>): void;
  paymentPrompt(p: LiveEventPayload<'payment.prompt'>): void;
  paymentResult(o: LiveEventPayload<'payment.result'>): void;
  orderCompleted(o: LiveEventPayload<'order.completed'>): void;
  deviceEvent(e: LiveEventPayload<'device.event'> & { weight_g?: number }): void;
  replicationChanged(e: LiveEventPayload<'replication.changed'>): void;
  /** With `basketEvents: 'version'`: the basket's new version instead of 'basket.updated'. */
  basketVersion?(v: LiveEventPayload<'basket.version'>): void;
}

export interface HubEvents {
  readonly connected: boolean;
  close(): void;
}

export function connectHubEvents(
  origin: string,
  token: string,
  h: HubEventHandlers,
  opts: { basketEvents?: 'version' } = {},
): HubEvents {
  const socket = io(origin || undefined, {
    // 'version': the hub sends 'basket.version' (re-fetch when basketIsStale) instead of the
    // whole basket on every change, for a kiosk on the delta endpoints.
    auth: { token, ...(opts.basketEvents ? { basket_events: opts.basketEvents } : {}) },
    transports: ['websocket', 'polling'],
    reconnectionDelay: 250,
    reconnectionDelayMax: 2000,
  });
  const dropped = (name: string) => (err: unknown) =>
    console.warn(`kiosk: dropped a malformed ${name} event`, err);
  socket.on('connect', () => h.connected());
  socket.on('disconnect', () => h.disconnected());
  socket.on('connect_error', () => h.disconnected());
  onLiveEvent(socket, 'state', h.state, dropped('state'));
  onLiveEvent(socket, 'basket.updated', h.basketUpdated, dropped('basket.updated'));
  onLiveEvent(socket, 'intervention.decided', h.interventionDecided, dropped('intervention.decided'));
  onLiveEvent(socket, 'payment.prompt', h.paymentPrompt, dropped('payment.prompt'));
  onLiveEvent(socket, 'payment.result', h.paymentResult, dropped('payment.result'));
  onLiveEvent(socket, 'order.completed', h.orderCompleted, dropped('order.completed'));
  onLiveEvent(socket, 'device.event', h.deviceEvent, dropped('device.event'));
  onLiveEvent(socket, 'replication.changed', h.replicationChanged, dropped('replication.changed'));
  if (h.basketVersion) onLiveEvent(socket, 'basket.version', h.basketVersion, dropped('basket.version'));
  return {
    get connected() {
      return socket.connected;
    },
    close: () => {
      socket.removeAllListeners();
      socket.close();
    },
  };
}
