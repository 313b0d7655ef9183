/**
 * Lanes: hardware the hub itself drives through @kassa/hardware (not paired API clients): scanners whose scans are routed to a kiosk
 * lane's active basket, receipt printers that print a lane's completed orders, and scales that
 * weigh a lane's loose produce. Configured by one JSON file: the hardware package's
 * configuration plus `lanes`, which ties a kiosk (by its retailer_device_id) to a scanner, a
 * printer and a scale of that file.
 *
 *   { "devices": [ …hardware devices… ],
 *     "lanes": [ { "kiosk": "K1", "scanner": "lane1-scanner", "printer": "lane1-printer", "scale": "lane1-scale" } ] }
 *
 * The scale is the hub's, not the kiosk's: a weighed line added "by scale" takes its weight
 * from a stable reading the hub asks for itself, so a kiosk (or a shopper) cannot assert one.
 *
 * Live weight: a lane's scale is read continuously only while someone looks at it — a kiosk
 * socket that sent `scale.watch` (pushed `scale.reading`, see schemas.ts), or, for a kiosk
 * whose socket is down, a recent GET /v1/lane/scale (each one keeps the scale read for a short
 * lease). An idle lane leaves its scale alone.
 */
import type { ScanEvent, SerialScale } from '@kassa/hardware';
import type { HardwareConfigInput } from '@kassa/hardware';
import { DeviceManager, HardwareError } from '@kassa/hardware';
import fs from 'node:fs';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Symbology } from '@kassa/promo-core';
import type { ClientRepo, PairedClient } from '../modules/clients/repo';
import { scannedCodeSchema } from '../modules/baskets/schemas';
import type { Baskets } from '../modules/baskets/service';
import type { ReceiptDocument } from '../modules/catalog/pricing';
import type { PrintFn } from '../modules/receipts/service';
import type { Bus } from '../platform/live/bus';
import { HubError } from '../platform/errors';
import type { Server as IoServer, Socket } from 'socket.io';
import type { LaneScale, ScaleReadingEvent, ScaleWatchAck } from './schemas';
import { scaleWatchRequestSchema } from './schemas';

/**
 * How long one GET /v1/lane/scale keeps its scale read: the kiosk's fallback asks every 250 ms,
 * so its scale stays live; once it stops, the scale goes quiet soon after.
 */
const GET_LEASE_MS = 3_000;

const laneSchema = z.object({
  kiosk: z.string().min(1).max(30),
  scanner: z.string().min(1).optional(),
  printer: z.string().min(1).optional(),
  scale: z.string().min(1).optional(),
});
const hubHardwareSchema = z.object({ lanes: z.array(laneSchema).default([]) }).passthrough();

// Hardware symbology names → promo-core's (only those the resolver distinguishes).
const SYMBOLOGY: Record<string, Symbology> = {
  ean13: 'EAN13',
  ean8: 'EAN8',
  upca: 'UPCA',
  upce: 'UPCE',
  'gs1-128': 'GS1_128',
  'gs1-datamatrix': 'DATAMATRIX',
  datamatrix: 'DATAMATRIX',
  itf: 'ITF',
  'gs1-databar': 'DATABAR',
  'gs1-qr': 'GS1_QR',
};

export class Lanes {
  readonly manager: DeviceManager;
  private readonly lanes: z.output<typeof laneSchema>[];
  /** Per scale: the GET lease (release + its timer), while one is held. */
  private readonly leases = new Map<SerialScale, { release: () => void; timer: NodeJS.Timeout }>();
  /** Per scale: the sockets watching it, each with the last reading it was sent. */
  private readonly watchers = new Map<SerialScale, Map<Socket, string | null>>();

  constructor(
    config: unknown,
    private readonly clients: ClientRepo,
    private readonly baskets: Baskets,
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {
    const parsed = hubHardwareSchema.parse(config);
    const { lanes, ...hardware } = parsed;
    this.lanes = lanes;
    this.manager = new DeviceManager(hardware as unknown as HardwareConfigInput);
    for (const lane of lanes) {
      for (const id of [lane.scanner, lane.printer, lane.scale]) {
        if (id !== undefined && !this.manager.devices().some((d) => d.id === id)) {
          throw new HubError('INVALID_HARDWARE_CONFIG', `lane ${lane.kiosk} names unknown device ${id}`);
        }
      }
      if (lane.scale !== undefined && this.manager.get(lane.scale).kind !== 'scale')
        throw new HubError('INVALID_HARDWARE_CONFIG', `lane ${lane.kiosk}: ${lane.scale} is not a scale`);
      if (lane.scale !== undefined) {
        const scale = this.manager.scale(lane.scale);
        scale.setLivePolling('watched');
        const changed = (): void => this.pushReading(scale);
        scale.on('weight', changed);
        scale.on('health', changed);
      }
    }
    this.manager.on('scan', (scan) => this.onScan(scan));
    this.manager.on('fault', (f) => this.log.warn({ fault: f }, 'device fault'));
  }

  static fromFile(file: string, clients: ClientRepo, baskets: Baskets, bus: Bus, log: Logger): Lanes {
    return new Lanes(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, clients, baskets, bus, log);
  }

  async start(): Promise<void> {
    await this.manager.start();
    this.log.info({ devices: this.manager.snapshot() }, 'hub-attached devices started');
  }

  async stop(): Promise<void> {
    for (const { release, timer } of this.leases.values()) {
      clearTimeout(timer);
      release();
    }
    this.leases.clear();
    await this.manager.stop();
  }

  private kiosk(retailerDeviceId: string): PairedClient | undefined {
    return this.clients.liveWithRetailerId(retailerDeviceId)[0];
  }

  /** A scan from a hub-attached scanner goes to its lane's active basket; the kiosk hears about it either way. */
  private onScan(scan: ScanEvent): void {
    this.log.debug({ scan }, 'scan from a hub-attached scanner');
    const lane = this.lanes.find((l) => l.scanner === scan.deviceId);
    if (!lane) return;
    const kiosk = this.kiosk(lane.kiosk);
    if (!kiosk) {
      this.log.warn({ lane: lane.kiosk }, 'scan for a lane whose kiosk is not paired');
      return;
    }
    const event = { type: 'scan', device: scan.deviceId, code: scan.data, symbology: scan.symbology };
    const basket = this.baskets.activeBasket(kiosk.device_id);
    if (!basket) {
      this.bus.emitTo(kiosk.device_id, 'device.event', {
        ...event,
        error: { code: 'NO_ACTIVE_BASKET', message: 'start a basket first' },
      });
      return;
    }
    try {
      const sym = SYMBOLOGY[scan.symbology];
      const r = this.baskets.addLine(kiosk, basket, {
        code: scannedCodeSchema.parse(scan.data),
        quantity: 1,
        ...(sym ? { symbology: sym } : {}),
      });
      this.bus.emitTo(kiosk.device_id, 'device.event', { ...event, line_id: r.line_id });
    } catch (err) {
      const e =
        err instanceof HubError
          ? err.toBody().error
          : { code: 'INTERNAL', message: String(err), details: {} };
      this.bus.emitTo(kiosk.device_id, 'device.event', { ...event, error: e });
    }
  }

  /** Prints a completed order's receipt on its lane's printer; null when the lane has none. */
  printer(deviceId: string): PrintFn | null {
    const row = this.clients.get(deviceId);
    const lane = row ? this.lanes.find((l) => l.kiosk === row.retailer_device_id && l.printer) : undefined;
    if (!lane?.printer) return null;
    const printer = this.manager.printer(lane.printer);
    return async (doc, jobId) => {
      // The job id is the receipt number: a retried print of the same receipt prints nothing twice.
      const job = printer.printDocument(doc as ReceiptDocument, { jobId });
      const done = await printer.waitForJob(job.id);
      return done?.state === 'printed' ? 'printed' : 'failed';
    };
  }

  /** The scale of a paired kiosk's lane, or null when its lane has none. */
  private scaleOf(device: PairedClient): SerialScale | null {
    const lane = this.lanes.find((l) => l.kiosk === device.retailer_device_id && l.scale);
    return lane?.scale ? this.manager.scale(lane.scale) : null;
  }

  /**
   * GET /v1/lane/scale: whether the kiosk's lane has a scale, and what it reads. Keeps the scale
   * read for a lease; the first GET after a quiet spell reads it once first (the last reading
   * may be from long ago).
   */
  async liveScaleView(device: PairedClient): Promise<LaneScale> {
    const scale = this.scaleOf(device);
    if (!scale) return NO_SCALE;
    const wasLive = scale.watchCount > 0;
    this.lease(scale);
    if (!wasLive) await scale.refresh();
    return this.view(scale);
  }

  /** The lane's scale and its last reading, as they are (no reading is asked for). */
  scaleView(device: PairedClient): LaneScale {
    const scale = this.scaleOf(device);
    return scale ? this.view(scale) : NO_SCALE;
  }

  private lease(scale: SerialScale): void {
    const held = this.leases.get(scale);
    if (held) clearTimeout(held.timer);
    const release = held?.release ?? scale.watch();
    const timer = setTimeout(() => {
      this.leases.delete(scale);
      release();
    }, GET_LEASE_MS);
    timer.unref();
    this.leases.set(scale, { release, timer });
  }

  private view(scale: SerialScale): LaneScale {
    const r = scale.reading;
    return {
      attached: true,
      device_id: scale.id,
      health: scale.health.state,
      reading: r ? { status: r.status, weight_g: r.grams, at: new Date(r.at).toISOString() } : null,
    };
  }

  /**
   * socket.io: `scale.watch` / `scale.unwatch` from kiosk sockets (schemas.ts). Staff sockets
   * have no lane; a watch ends with its socket (a revoked kiosk is disconnected).
   */
  serveSockets(io: IoServer): void {
    io.on('connection', (socket) => {
      const device = socket.data.device as PairedClient | undefined;
      if (!device) return;
      let watching: { scale: SerialScale; release: () => void } | null = null;
      const unwatch = (): void => {
        if (!watching) return;
        this.watchers.get(watching.scale)?.delete(socket);
        watching.release();
        watching = null;
      };
      const handle = (name: string, fn: () => Promise<ScaleWatchAck>) =>
        socket.on(name, (...args: unknown[]) => {
          const ack =
            typeof args[args.length - 1] === 'function' ? (args.pop() as (a: unknown) => void) : null;
          const body = scaleWatchRequestSchema.safeParse(args[0] ?? {});
          if (!body.success) {
            ack?.(
              new HubError('VALIDATION_FAILED', `${name} takes {}`, {
                issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
              }).toBody(),
            );
            return;
          }
          fn().then(
            (a) => ack?.(a),
            (err: unknown) => {
              this.log.warn({ err }, `${name} failed`);
              ack?.({ error: { code: 'INTERNAL', message: String(err), details: {} } });
            },
          );
        });
      handle('scale.watch', async () => {
        // A fresh lookup: the pairing may have changed lanes since the socket connected.
        const client = this.clients.get(device.device_id) ?? device;
        const scale = this.scaleOf(client);
        if (!scale) {
          unwatch();
          return { data: NO_SCALE };
        }
        if (watching?.scale !== scale) {
          unwatch();
          watching = { scale, release: scale.watch() };
          let sockets = this.watchers.get(scale);
          if (!sockets) this.watchers.set(scale, (sockets = new Map()));
          sockets.set(socket, null);
          await scale.refresh();
          // The first reading goes out at once, as every later one does: only when it changes.
          this.pushReading(scale);
        }
        return { data: this.view(scale) };
      });
      handle('scale.unwatch', async () => {
        const scale = watching?.scale;
        unwatch();
        return { data: scale ? this.view(scale) : NO_SCALE };
      });
      socket.on('disconnect', unwatch);
    });
  }

  /** Sends each socket watching `scale` its reading, when it differs from the last one it got. */
  private pushReading(scale: SerialScale): void {
    const sockets = this.watchers.get(scale);
    if (!sockets || sockets.size === 0) return;
    const e = readingEvent(scale);
    const key = `${e.state}:${e.weight_g}`;
    for (const [socket, last] of sockets) {
      if (last === key) continue;
      sockets.set(socket, key);
      socket.emit('scale.reading', e);
    }
  }

  /** Refuses a weight the kiosk typed when its lane has a scale (it weighs by scale there). */
  refuseTypedWeight(device: PairedClient): void {
    const scale = this.scaleOf(device);
    if (scale)
      throw new HubError(
        'SCALE_REQUIRED',
        'This checkout weighs on its scale. Please place the item on the scale.',
        { device_id: scale.id },
      );
  }

  /**
   * A stable weight in grams from the kiosk's lane scale, for a line added by scale. Every
   * refusal is a 409 with a sentence the kiosk can show; the store's min/max weight is checked
   * where every weight is (the basket service).
   */
  async weigh(device: PairedClient): Promise<number> {
    const scale = this.scaleOf(device);
    if (!scale) throw notAttached();
    if (!scale.isConnected)
      throw new HubError('SCALE_OFFLINE', 'The scale is not connected. Please ask a member of staff.', {
        device_id: scale.id,
        health: scale.health,
      });
    let grams: number;
    try {
      grams = (await scale.weighStable()).grams;
    } catch (err) {
      throw scaleRefusal(err, scale.id);
    }
    if (grams <= 0)
      throw new HubError(
        'SCALE_EMPTY',
        'There is nothing on the scale. Please place the item on the scale.',
        {
          device_id: scale.id,
          weight_g: grams,
        },
      );
    return grams;
  }
}

const NO_SCALE: LaneScale = { attached: false, device_id: null, health: null, reading: null };

/** The `scale.reading` event for what the scale reads now. */
function readingEvent(scale: SerialScale): ScaleReadingEvent {
  const r = scale.reading;
  if (!r || !scale.isConnected || scale.health.state !== 'online')
    return {
      device_id: scale.id,
      state: 'offline',
      stable: false,
      weight_g: null,
      at: new Date().toISOString(),
    };
  return {
    device_id: scale.id,
    state: r.status,
    stable: r.status === 'stable',
    weight_g: r.grams,
    at: new Date(r.at).toISOString(),
  };
}

const notAttached = (): HubError =>
  new HubError('SCALE_NOT_ATTACHED', 'This checkout has no scale. Please type the weight instead.');

/** The kiosk's lane scale as it is, on any hub: one without lanes has no scale. */
export function laneScaleView(lanes: Lanes | null, device: PairedClient): LaneScale {
  return lanes ? lanes.scaleView(device) : NO_SCALE;
}

/** GET /v1/lane/scale on any hub: the scale read now (see Lanes.liveScaleView). */
export function liveLaneScaleView(lanes: Lanes | null, device: PairedClient): Promise<LaneScale> {
  return lanes ? lanes.liveScaleView(device) : Promise.resolve(NO_SCALE);
}

/** The weight of a line added by scale: read by the hub, or refused (a hub without lanes has no scale). */
export function weighOnLane(lanes: Lanes | null, device: PairedClient): Promise<number> {
  return lanes ? lanes.weigh(device) : Promise.reject(notAttached());
}

function scaleRefusal(err: unknown, deviceId: string): HubError {
  const details = { device_id: deviceId, ...(err instanceof HardwareError ? { reason: err.message } : {}) };
  const code = err instanceof HardwareError ? err.code : 'DEVICE_IO';
  switch (code) {
    case 'SCALE_UNSTABLE':
      return new HubError(
        'SCALE_UNSTABLE',
        'The weight is still changing. Please let go of the item and keep it still on the scale.',
        details,
      );
    case 'SCALE_OVERLOAD':
      return new HubError(
        'SCALE_OVERLOAD',
        'That is too heavy for the scale. Please weigh less at a time, or ask a member of staff.',
        details,
      );
    case 'SCALE_UNDERLOAD':
      return new HubError(
        'SCALE_UNDERLOAD',
        'The scale needs to be reset. Please ask a member of staff.',
        details,
      );
    default:
      return new HubError(
        'SCALE_OFFLINE',
        'The scale is not answering. Please ask a member of staff.',
        details,
      );
  }
}
