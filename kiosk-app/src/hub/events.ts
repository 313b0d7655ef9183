/**
 * Live events from the hub over socket.io (same origin as the API), each parsed with the
 * hub's own event schema (`onLiveEvent` from the typed client); a malformed event is dropped.
 */
import { onLiveEvent, scaleWatchAckSchema } from '@kassa/store-hub/client';
import type { LaneScale, LiveEventPayload, ScaleReadingEvent } from '@kassa/store-hub/client';
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

/** One watcher of the lane scale's live weight (see HubEvents.watchScale). */
export interface ScaleWatchHandlers {
  /** The hub took the watch: the lane's scale now; `reading` follows on every change. */
  watching(view: LaneScale): void;
  reading(e: ScaleReadingEvent): void;
  /** No live weight over the socket (down, or the hub did not take the watch): ask by GET. */
  down(): void;
}

export interface HubEvents {
  readonly connected: boolean;
  /**
   * Live weight of this kiosk's lane scale: `scale.watch` on the socket (again after every
   * reconnect: the hub forgets a watch with its socket), `scale.unwatch` when the last watcher
   * stops. Returns the stop function.
   */
  watchScale(h: ScaleWatchHandlers): () => void;
  close(): void;
}

/** How long the hub may take to acknowledge a watch (it reads the scale once first). */
const WATCH_ACK_MS = 5_000;

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
  const scaleWatchers = new Set<ScaleWatchHandlers>();
  const askWatch = (w: ScaleWatchHandlers): void => {
    socket.timeout(WATCH_ACK_MS).emit('scale.watch', {}, (err: unknown, ack: unknown) => {
      if (!scaleWatchers.has(w)) return;
      const r = err ? null : scaleWatchAckSchema.safeParse(ack);
      if (r?.success && 'data' in r.data) w.watching(r.data.data);
      else w.down();
    });
  };
  socket.on('connect', () => {
    h.connected();
    for (const w of scaleWatchers) askWatch(w);
  });
  socket.on('disconnect', () => {
    h.disconnected();
    for (const w of scaleWatchers) w.down();
  });
  socket.on('connect_error', () => h.disconnected());
  onLiveEvent(
    socket,
    'scale.reading',
    (e) => {
      for (const w of scaleWatchers) w.reading(e);
    },
    dropped('scale.reading'),
  );
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
    watchScale: (w) => {
      scaleWatchers.add(w);
      if (socket.connected) askWatch(w);
      else w.down();
      return () => {
        if (!scaleWatchers.delete(w)) return;
        if (scaleWatchers.size === 0 && socket.connected) socket.emit('scale.unwatch', {});
      };
    },
    close: () => {
      socket.removeAllListeners();
      socket.close();
    },
  };
}
