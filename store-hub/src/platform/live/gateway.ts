/**
 * The socket.io gateway: authenticates a connection by its token (paired client or staff),
 * puts it in its rooms, sends a reconnecting client its state, and relays the bus.
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { Server as IoServer } from 'socket.io';
import type { Bus } from './bus';

export interface GatewayDeps<D extends { device_id: string }, S> {
  device: (token: string | undefined) => D | null;
  staff: (token: string | undefined) => S | null;
  /** Staff from the handshake headers (a console cookie session). */
  staffFromHandshake?: (headers: http.IncomingHttpHeaders) => S | null;
  /** Events a client gets on (re)connect, e.g. its active basket. */
  onDeviceConnect: (d: D) => { name: string; payload: unknown }[];
  log: Logger;
}

const versionRoom = (deviceId: string): string => `${deviceId}:basket-version`;

export function startGateway<D extends { device_id: string }, S>(
  server: http.Server,
  bus: Bus,
  deps: GatewayDeps<D, S>,
): IoServer {
  const io = new IoServer(server, { cors: { origin: false }, maxHttpBufferSize: 64 * 1024 });
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const t = typeof token === 'string' ? token : undefined;
    const d = deps.device(t);
    if (d) {
      socket.data.device = d;
      return next();
    }
    const s = deps.staff(t) ?? deps.staffFromHandshake?.(socket.handshake.headers) ?? null;
    if (s) {
      socket.data.staff = s;
      return next();
    }
    next(new Error('UNAUTHENTICATED'));
  });
  io.on('connection', (socket) => {
    const d = socket.data.device as D | undefined;
    if (d) {
      void socket.join(d.device_id);
      // A kiosk on the delta answers asks for basket versions, not the whole basket each time.
      if ((socket.handshake.auth as { basket_events?: unknown } | undefined)?.basket_events === 'version')
        void socket.join(versionRoom(d.device_id));
      void socket.join('devices');
      try {
        for (const e of deps.onDeviceConnect(d)) socket.emit(e.name, e.payload);
      } catch (err) {
        deps.log.warn({ err }, 'state on connect failed');
      }
    } else {
      void socket.join('staff');
    }
  });
  bus.on('event', (e) => {
    // A revoked client loses its live connection at once (its token no longer authenticates).
    if (e.name === 'device.revoked') {
      const id = (e.payload as { device_id?: unknown } | null)?.device_id;
      if (typeof id === 'string') io.in(id).disconnectSockets(true);
      // Staff hear of it (the console's devices and lanes screens); the device's own copy only disconnects.
      if (e.to !== 'staff') return;
    }
    if (e.name === 'basket.updated') {
      const b = e.payload as { basket_id: string; version: number; state: string };
      // socket.io encodes a broadcast even for no recipients: the whole basket only when some
      // socket of the device takes whole baskets.
      const rooms = io.sockets.adapter.rooms;
      if ((rooms.get(e.to)?.size ?? 0) > (rooms.get(versionRoom(e.to))?.size ?? 0))
        io.to(e.to).except(versionRoom(e.to)).emit(e.name, e.payload);
      io.to(versionRoom(e.to)).emit('basket.version', {
        basket_id: b.basket_id,
        version: b.version,
        state: b.state,
      });
      // The console's lanes board follows every lane's basket; with no console connected the
      // (30–80 KB) basket is not encoded a second time.
      if (e.to !== 'staff' && (io.sockets.adapter.rooms.get('staff')?.size ?? 0) > 0)
        io.to('staff').emit(e.name, e.payload);
      return;
    }
    io.to(e.to).emit(e.name, e.payload);
  });
  return io;
}
