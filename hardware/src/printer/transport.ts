/** Byte pipes to a printer: a serial port, a USB printer-class node written as a file, or HID reports. */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { HardwareError, describeError } from '../errors';
import { openNodeHid, type HidHandle, type HidOpener } from '../hid-link';
import { SerialLink, type SerialOptions } from '../serial-link';

export interface TransportHandlers {
  data: (bytes: Buffer) => void;
  lost: (reason: string) => void;
}

export interface PrinterTransport {
  readonly name: 'serial' | 'usb-file' | 'hid';
  /** Whether the printer's replies (DLE EOT status) can be read back over this pipe. */
  readonly readsStatus: boolean;
  open(path: string, handlers: TransportHandlers): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export class SerialTransport implements PrinterTransport {
  readonly name = 'serial' as const;
  readonly readsStatus = true;
  private link: SerialLink | null = null;

  constructor(private readonly options: SerialOptions = { baudRate: 9600 }) {}

  async open(path: string, handlers: TransportHandlers): Promise<void> {
    const link = new SerialLink(path, this.options, handlers);
    await link.open();
    this.link = link;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.link) throw new HardwareError('DEVICE_IO', 'serial printer is not open');
    await this.link.write(bytes);
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.close();
  }
}

/**
 * `/dev/usb/lp0` and friends: the kernel's usblp driver takes writes like a file. Reads are not
 * used, because usblp blocks a reader until the printer talks, and most never talk unasked there.
 */
export class FileTransport implements PrinterTransport {
  readonly name = 'usb-file' as const;
  readonly readsStatus = false;
  private handle: FileHandle | null = null;
  private handlers: TransportHandlers | null = null;

  async open(path: string, handlers: TransportHandlers): Promise<void> {
    try {
      // No O_CREAT: with the printer unplugged, /dev/usb/lp0 is absent and must stay absent,
      // rather than becoming a regular file that swallows receipts.
      this.handle = await open(path, constants.O_WRONLY | constants.O_APPEND);
    } catch (err) {
      throw new HardwareError('DEVICE_IO', `cannot open ${path}: ${describeError(err)}`, { path });
    }
    this.handlers = handlers;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.handle) throw new HardwareError('DEVICE_IO', 'usb printer is not open');
    try {
      await this.handle.write(bytes);
    } catch (err) {
      // ENODEV/EIO: unplugged. The device notices through the lost handler and reconnects.
      this.handlers?.lost(describeError(err));
      throw err;
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Printers that present as HID: bytes go out in fixed-size output reports laid out as
 * [report id][payload length][payload…, zero padded]; status bytes come back in input reports.
 */
export class HidTransport implements PrinterTransport {
  readonly name = 'hid' as const;
  readonly readsStatus = true;
  private handle: HidHandle | null = null;

  constructor(
    private readonly opener: HidOpener = openNodeHid,
    private readonly reportSize = 64,
    private readonly reportId = 0,
  ) {}

  async open(path: string, handlers: TransportHandlers): Promise<void> {
    const handle = await this.opener(path);
    // Input reports: [report id][payload…]; the status bytes are in the payload.
    handle.on('data', (report) => handlers.data(report.subarray(1)));
    handle.on('error', (err) => handlers.lost(err.message));
    this.handle = handle;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const handle = this.handle;
    if (!handle) throw new HardwareError('DEVICE_IO', 'hid printer is not open');
    const payload = this.reportSize - 2;
    for (let offset = 0; offset < bytes.length; offset += payload) {
      const chunk = bytes.subarray(offset, offset + payload);
      const report = Buffer.alloc(this.reportSize);
      report[0] = this.reportId;
      report[1] = chunk.length;
      Buffer.from(chunk).copy(report, 2);
      await handle.write(report);
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }
}
