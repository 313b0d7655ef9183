/**
 * A receipt printer on the far end of a serial port: reads ESC/POS, keeps what a person would
 * see on the paper, and answers DLE EOT with the status it is told to have (paper low, cover open…).
 */
import { SerialPort } from 'serialport';
import { TypedEmitter } from '../emitter';
import { EscPosParser, splitReceipts, type PaperItem } from '../printer/escpos-parser';
import { encodeStatus, okStatus, type PrinterStatus } from '../printer/status';

export type PrinterSimEvents = {
  paper: [PaperItem];
  bytes: [number];
};

export class PrinterSimulator extends TypedEmitter<PrinterSimEvents> {
  readonly paper: PaperItem[] = [];
  status: PrinterStatus = { ...okStatus };
  bytesReceived = 0;
  /** When false the simulator stays silent, like a printer that is switched off behind its adapter. */
  answersStatus = true;
  /** When set, only this many more status requests are answered (a printer that dies mid-job). */
  statusRepliesLeft: number | null = null;
  private parser = new EscPosParser();
  private port: SerialPort | null = null;

  constructor(readonly path: string) {
    super();
  }

  async open(): Promise<this> {
    const port = new SerialPort({ path: this.path, baudRate: 9600, autoOpen: false, lock: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => this.feed(chunk));
    port.on('error', () => undefined);
    this.port = port;
    return this;
  }

  /** Feeds bytes directly (for use without a port, e.g. the file transport). */
  feed(chunk: Uint8Array): void {
    this.bytesReceived += chunk.length;
    this.emit('bytes', this.bytesReceived);
    for (const event of this.parser.push(chunk)) {
      if (event.type === 'status-request') {
        if (this.statusRepliesLeft !== null) {
          if (this.statusRepliesLeft <= 0) continue;
          this.statusRepliesLeft--;
        }
        if (this.answersStatus && this.port?.isOpen)
          this.port.write(Buffer.from([encodeStatus(this.status, event.n)]));
        continue;
      }
      this.paper.push(event.item);
      this.emit('paper', event.item);
    }
  }

  /** Stops reading: the port's buffers fill and the writer blocks, as with a busy printer. */
  pause(): void {
    this.port?.pause();
  }

  resume(): void {
    this.port?.resume();
  }

  receipts(): PaperItem[][] {
    return splitReceipts(this.paper);
  }

  /** Text lines of the paper, trimmed, for assertions on what a person would read. */
  lines(items: readonly PaperItem[] = this.paper): string[] {
    return items.flatMap((i) => (i.type === 'text' ? [i.text] : []));
  }

  /** Forgets a half-parsed command, as a printer does when it is power-cycled. */
  resetParser(): void {
    this.parser = new EscPosParser();
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
