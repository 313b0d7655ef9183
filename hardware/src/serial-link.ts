/** A thin promise wrapper over serialport, shared by serial scanners, printers and the simulators. */
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { HardwareError, describeError } from './errors';

export interface SerialOptions {
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  rtscts?: boolean;
}

export interface SerialLinkHandlers {
  data: (chunk: Buffer) => void;
  /** The port closed without being asked to (unplugged, pty peer gone). */
  lost: (reason: string) => void;
}

/**
 * serialport does not always report a hang-up (seen with a pty whose peer vanished right after
 * open), so the link also watches its device node: an unplugged USB-serial device loses its
 * /dev entry, and a socat pty loses its link.
 */
const PRESENCE_CHECK_MS = 250;

export class SerialLink {
  private port: SerialPort | null = null;
  private closing = false;
  private presence: ReturnType<typeof setInterval> | null = null;

  constructor(
    readonly path: string,
    private readonly options: SerialOptions,
    private readonly handlers: SerialLinkHandlers,
  ) {}

  async open(): Promise<void> {
    const port = new SerialPort({
      path: this.path,
      baudRate: this.options.baudRate,
      dataBits: this.options.dataBits ?? 8,
      parity: this.options.parity ?? 'none',
      stopBits: this.options.stopBits ?? 1,
      rtscts: this.options.rtscts ?? false,
      autoOpen: false,
      // Claiming is exclusive: a second process cannot read half of our scans.
      lock: true,
    });
    await new Promise<void>((resolve, reject) =>
      port.open((err) =>
        err
          ? reject(
              new HardwareError('DEVICE_IO', `cannot open ${this.path}: ${err.message}`, { path: this.path }),
            )
          : resolve(),
      ),
    );
    this.closing = false;
    port.on('data', (chunk: Buffer) => this.handlers.data(chunk));
    port.on('error', (err: Error) => {
      if (!this.closing) this.handlers.lost(describeError(err));
    });
    port.on('close', (err?: Error | null) => {
      if (this.port === port) this.port = null;
      if (!this.closing) this.handlers.lost(err ? describeError(err) : 'port closed');
    });
    this.port = port;
    this.presence = setInterval(() => {
      if (existsSync(this.path) || this.closing) return;
      this.stopPresence();
      this.handlers.lost(`${this.path} disappeared`);
    }, PRESENCE_CHECK_MS);
    this.presence.unref?.();
  }

  private stopPresence(): void {
    if (this.presence) clearInterval(this.presence);
    this.presence = null;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  /** Writes and waits until the bytes have left our process (tcdrain). */
  async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new HardwareError('DEVICE_IO', `${this.path} is not open`, { path: this.path });
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (err) => (err ? reject(err) : undefined));
      port.drain((err) =>
        err
          ? reject(new HardwareError('DEVICE_IO', `write to ${this.path} failed: ${err.message}`))
          : resolve(),
      );
    });
  }

  async close(): Promise<void> {
    this.stopPresence();
    const port = this.port;
    this.port = null;
    if (!port) return;
    this.closing = true;
    if (!port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
