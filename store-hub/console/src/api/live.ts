/**
 * Live updates over socket.io. The browser sends the session cookie with the handshake
 * (same origin); the hub puts staff sockets in its staff room. Screens subscribe by event name
 * through the client's onLiveEvent, so every payload is parsed by its schema in LIVE_EVENTS.
 * They may subscribe before the socket exists (or after it was replaced on sign-in), so they
 * listen to a relay that outlives any one socket.
 */
import {
  onLiveEvent,
  type LiveEventName,
  type LiveEventPayload,
  type LiveSocket,
} from '@kassa/store-hub/client';
import { io, type Socket } from 'socket.io-client';

type Fn = (payload: unknown) => void;

const handlers = new Map<string, Set<Fn>>();
const relay: LiveSocket = {
  on(event, fn) {
    if (!handlers.has(event)) handlers.set(event, new Set());
    handlers.get(event)!.add(fn);
  },
  off(event, fn) {
    handlers.get(event)?.delete(fn);
  },
};

let socket: Socket | null = null;
const statusListeners = new Set<(up: boolean) => void>();

export function connectLive(): void {
  if (socket) return;
  socket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
  socket.onAny((name: string, payload: unknown) => {
    for (const fn of handlers.get(name) ?? []) fn(payload);
  });
  socket.on('connect', () => statusListeners.forEach((l) => l(true)));
  socket.on('disconnect', () => statusListeners.forEach((l) => l(false)));
}

export function disconnectLive(): void {
  socket?.close();
  socket = null;
}

/** One handler for several events; returns the unsubscribe function. */
export function onLive<N extends LiveEventName>(
  names: readonly N[],
  handler: (payload: LiveEventPayload<N>, name: N) => void,
): () => void {
  const offs = names.map((n) => onLiveEvent(relay, n, (p) => handler(p, n)));
  return () => offs.forEach((off) => off());
}

export function onLiveStatus(l: (up: boolean) => void): () => void {
  statusListeners.add(l);
  if (socket?.connected) l(true);
  return () => statusListeners.delete(l);
}
