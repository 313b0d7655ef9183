/** Scanner devices: serial/USB-CDC, HID POS and HID keyboard wedge, all emitting the same `scan` event. */
import type { z } from 'zod';
import type { BackoffPolicy } from '../backoff';
import { Device, type BaseDeviceEvents } from '../device';
import { HardwareError } from '../errors';
import { openNodeHid, type HidHandle, type HidOpener } from '../hid-link';
import { SerialLink, type SerialOptions } from '../serial-link';
import type { Symbology } from './aim';
import { ScanFramer, type FramingInput } from './framing';
import { HidPosDecoder, type hidPosLayoutSchema } from './hid-pos';
import { KeyboardWedgeDecoder, type keyboardConfigSchema } from './keyboard';

export interface ScanEvent {
  deviceId: string;
  data: string;
  symbology: Symbology;
  aimId: string | null;
  /** Epoch milliseconds when the last byte of the code arrived. */
  at: number;
}

export type ScannerEvents = BaseDeviceEvents & { scan: [ScanEvent] };

type Decoded = { data: string; symbology: Symbology; aimId: string | null };

export abstract class Scanner extends Device<ScannerEvents> {
  readonly kind = 'scanner' as const;
  /** Scans that arrived while claimed but not enabled (UnifiedPOS would hold them; we drop and count). */
  dropped = 0;

  protected deliver(scan: Decoded): void {
    if (this.lifecycle !== 'enabled') {
      this.dropped++;
      return;
    }
    this.stats.scans++;
    this.emit('scan', {
      deviceId: this.id,
      data: scan.data,
      symbology: scan.symbology,
      aimId: scan.aimId,
      at: Date.now(),
    });
  }
}

export interface SerialScannerOptions {
  serial?: Partial<SerialOptions>;
  framing?: FramingInput;
  backoff?: BackoffPolicy;
}

export class SerialScanner extends Scanner {
  readonly transport = 'serial';
  private link: SerialLink | null = null;
  private readonly framer: ScanFramer;
  private readonly serial: SerialOptions;

  constructor(id: string, path: string | null, options: SerialScannerOptions = {}) {
    super(id, path, options.backoff);
    this.framer = new ScanFramer(options.framing);
    this.serial = { baudRate: 9600, ...options.serial };
  }

  protected async connect(): Promise<void> {
    const path = this.path;
    if (path === null) throw new HardwareError('DEVICE_NOT_FOUND', `${this.id}: no path`);
    const link = new SerialLink(path, this.serial, {
      data: (chunk) => this.onBytes(chunk),
      lost: (reason) => this.linkLost(reason),
    });
    await link.open();
    this.link = link;
  }

  protected async disconnect(): Promise<void> {
    const link = this.link;
    this.link = null;
    // A half-read code must not be glued onto the first code after the next claim.
    this.framer.reset();
    await link?.close();
  }

  protected override onLinkDown(reason: string): void {
    const partial = this.framer.reset();
    if (partial !== null) this.fault('FRAME_INTERRUPTED', `partial code dropped: ${reason}`, { partial });
  }

  private onBytes(chunk: Buffer): void {
    this.seen(chunk.length);
    for (const outcome of this.framer.push(chunk, Date.now())) {
      if (outcome.kind === 'scan') this.deliver(outcome.scan);
      else this.fault(outcome.code, `scanner frame rejected: ${outcome.code}`, { raw: outcome.raw });
    }
  }
}

export interface HidScannerOptions {
  mode: 'pos' | 'keyboard';
  pos?: z.input<typeof hidPosLayoutSchema>;
  keyboard?: z.input<typeof keyboardConfigSchema>;
  opener?: HidOpener;
  backoff?: BackoffPolicy;
}

export class HidScanner extends Scanner {
  readonly transport: string;
  private handle: HidHandle | null = null;
  private readonly decoder: HidPosDecoder | KeyboardWedgeDecoder;
  private readonly opener: HidOpener;

  constructor(id: string, path: string | null, options: HidScannerOptions) {
    super(id, path, options.backoff);
    this.transport = options.mode === 'pos' ? 'hid-pos' : 'hid-keyboard';
    this.decoder =
      options.mode === 'pos' ? new HidPosDecoder(options.pos) : new KeyboardWedgeDecoder(options.keyboard);
    this.opener = options.opener ?? openNodeHid;
  }

  protected async connect(): Promise<void> {
    const path = this.path;
    if (path === null) throw new HardwareError('DEVICE_NOT_FOUND', `${this.id}: no path`);
    const handle = await this.opener(path);
    handle.on('data', (report) => this.onReport(report));
    handle.on('error', (err) => this.linkLost(err.message));
    this.handle = handle;
  }

  protected async disconnect(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    this.decoder.reset();
    await handle?.close().catch(() => undefined);
  }

  protected override onLinkDown(): void {
    this.decoder.reset();
  }

  private onReport(report: Buffer): void {
    this.seen(report.length);
    for (const outcome of this.decoder.push(report)) {
      if (outcome.kind === 'scan') this.deliver(outcome.scan);
      else this.fault(outcome.code, `scanner report rejected: ${outcome.code}`, { ...outcome });
    }
  }
}
