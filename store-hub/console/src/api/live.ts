/**
 * Live updates over socket.io. The browser sends the session cookie with the handshake
 * (same origin); the hub puts staff sockets in its staff room.
 */
import { io, type Socket } from 'socket.io-client';

type Listener = (name: string, payload: unknown) => void;

let socket: Socket | null = null;
const listeners = new Set<Listener>();
const statusListeners = new Set<(up: boolean) => void>();

export function connectLive(): void {
  if (socket) return;
  socket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
  socket.onAny((name: string, payload: unknown) => {
    for (const l of listeners) l(name, payload);
  });
  socket.on('connect', () => statusListeners.forEach((l) => l(true)));
  socket.on('disconnect', () => statusListeners.forEach((l) => l(false)));
}

export function disconnectLive(): void {
  socket?.close();
  socket = null;
}

export function onLive(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function onLiveStatus(l: (up: boolean) => void): () => void {
  statusListeners.add(l);
  if (socket?.connected) l(true);
  return () => statusListeners.delete(l);
}
