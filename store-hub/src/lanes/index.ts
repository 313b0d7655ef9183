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
import type { LaneScale } from './schemas';

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

  /** GET /v1/lane/scale: whether the kiosk's lane has a scale, and its last reading. */
  scaleView(device: PairedClient): LaneScale {
    const scale = this.scaleOf(device);
    if (!scale) return NO_SCALE;
    const r = scale.reading;
    return {
      attached: true,
      device_id: scale.id,
      health: scale.health.state,
      reading: r ? { status: r.status, weight_g: r.grams, at: new Date(r.at).toISOString() } : null,
    };
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

const notAttached = (): HubError =>
  new HubError('SCALE_NOT_ATTACHED', 'This checkout has no scale. Please type the weight instead.');

/** GET /v1/lane/scale on any hub: one without lanes has no scale. */
export function laneScaleView(lanes: Lanes | null, device: PairedClient): LaneScale {
  return lanes ? lanes.scaleView(device) : NO_SCALE;
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
