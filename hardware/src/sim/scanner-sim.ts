/** A serial barcode scanner on the far end of a port: writes codes framed the way a real one is set up. */
import { SerialPort } from 'serialport';

export type SimTerminator = 'cr' | 'lf' | 'crlf' | 'etx' | 'tab' | 'none';

const TERMINATORS: Record<SimTerminator, string> = {
  cr: '\r',
  lf: '\n',
  crlf: '\r\n',
  etx: '\x03',
  tab: '\t',
  none: '',
};

export interface SimScanOptions {
  /** AIM identifier to send first, e.g. `]E0`. */
  aim?: string;
  prefix?: string;
  suffix?: string;
  terminator?: SimTerminator;
}

export function frameScan(code: string, options: SimScanOptions = {}): Buffer {
  const t = options.terminator ?? 'cr';
  const stx = t === 'etx' ? '\x02' : '';
  return Buffer.from(
    `${stx}${options.prefix ?? ''}${options.aim ?? ''}${code}${options.suffix ?? ''}${TERMINATORS[t]}`,
    'latin1',
  );
}

export class ScannerSimulator {
  private port: SerialPort | null = null;

  constructor(
    readonly path: string,
    readonly defaults: SimScanOptions = {},
  ) {}

  async open(): Promise<this> {
    const port = new SerialPort({ path: this.path, baudRate: 9600, autoOpen: false, lock: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('error', () => undefined);
    this.port = port;
    return this;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port) throw new Error('scanner simulator is not open');
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (err) => (err ? reject(err) : undefined));
      port.drain((err) => (err ? reject(err) : resolve()));
    });
  }

  async scan(code: string, options: SimScanOptions = {}): Promise<void> {
    await this.write(frameScan(code, { ...this.defaults, ...options }));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
