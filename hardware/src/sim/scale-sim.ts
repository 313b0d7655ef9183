/**
 * An MT-SICS checkout scale on the far end of a serial port (the device side of a socat pty
 * pair): answers S, SI, Z, T, TAC, @ and I4 from a weight and a stability it is told to have,
 * the way the command reference describes a scale answering them. `S` on a moving weight waits
 * for it to settle, up to `settleTimeoutMs`, then answers `S I`, as a real scale does.
 */
import { SerialPort } from 'serialport';
import { TypedEmitter } from '../emitter';
import { SicsLineFramer, formatWeight, weightLine } from '../scale/mtsics';

export interface ScaleSimState {
  /** Gross weight on the platter, grams. */
  grams: number;
  stable: boolean;
  /** The weighing range; above it the scale answers `S +`, below -zeroRange `S -`. */
  capacityGrams: number;
  unit: 'g' | 'kg';
  /** When false the scale stays silent (switched off behind its adapter). */
  answers: boolean;
  /** Busy (e.g. calibrating): every command is answered `<cmd> I`. */
  busy: boolean;
}

export type ScaleSimEvents = { command: [string]; state: [ScaleSimState] };

export const defaultScaleSimState: ScaleSimState = {
  grams: 0,
  stable: true,
  capacityGrams: 15_000,
  unit: 'kg',
  answers: true,
  busy: false,
};

export class ScaleSimulator extends TypedEmitter<ScaleSimEvents> {
  private port: SerialPort | null = null;
  private readonly framer = new SicsLineFramer(64);
  private stateValue: ScaleSimState;
  /** What zero and tare take off the gross weight. */
  private zeroOffset = 0;
  private tareGrams = 0;
  private waiting: (() => void)[] = [];
  /** Bumped by `@`: commands still waiting for stability from before it are never answered. */
  private generation = 0;
  /** Commands received, in order (tests assert on the conversation). */
  readonly commands: string[] = [];
  settleTimeoutMs = 1_500;
  readonly serialNumber = 'KASSA-SIM-0001';

  constructor(
    readonly path: string,
    initial: Partial<ScaleSimState> = {},
  ) {
    super();
    this.stateValue = { ...defaultScaleSimState, ...initial };
  }

  get state(): ScaleSimState {
    return { ...this.stateValue };
  }

  /** Puts something on the platter (or takes it off): grams gross, and whether it has settled. */
  set(patch: Partial<ScaleSimState>): void {
    this.stateValue = { ...this.stateValue, ...patch };
    this.emit('state', this.state);
    if (this.stateValue.stable) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const w of waiting) w();
    }
  }

  get net(): number {
    return this.stateValue.grams - this.zeroOffset - this.tareGrams;
  }

  async open(): Promise<this> {
    const port = new SerialPort({ path: this.path, baudRate: 9600, autoOpen: false, lock: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => this.feed(chunk));
    port.on('error', () => undefined);
    this.port = port;
    return this;
  }

  /** Bytes from the host; also usable without a port. */
  feed(chunk: Uint8Array): void {
    for (const outcome of this.framer.push(chunk)) {
      if (outcome.kind === 'garbage') {
        if (this.stateValue.answers) this.write('ET\r\n');
        continue;
      }
      const cmd = outcome.line.trim();
      this.commands.push(cmd);
      this.emit('command', cmd);
      if (this.stateValue.answers) void this.answer(cmd).then((line) => line && this.write(line));
    }
  }

  private range(): 'overload' | 'underload' | null {
    const net = this.net;
    if (this.stateValue.grams > this.stateValue.capacityGrams) return 'overload';
    // A scale reads a little below zero before it calls it underload (its zero range, here 2 %).
    if (net < -Math.round(this.stateValue.capacityGrams * 0.02)) return 'underload';
    return null;
  }

  private weight(cmd: 'S' | 'T', stable: boolean, grams: number): string {
    const { unit } = this.stateValue;
    return weightLine(cmd, stable ? 'S' : 'D', formatWeight(grams, unit), unit);
  }

  /** Waits until the weight settles or the scale gives up; true when it settled. */
  private settled(): Promise<boolean> {
    if (this.stateValue.stable) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== done);
        resolve(false);
      }, this.settleTimeoutMs);
      this.waiting.push(done);
    });
  }

  private async answer(cmd: string): Promise<string | null> {
    if (cmd === '@' || cmd === 'I4') {
      // Reset cancels whatever was waiting for stability: those commands get no answer.
      if (cmd === '@') this.generation++;
      return `I4 A "${this.serialNumber}"\r\n`;
    }
    const name = cmd.split(' ')[0]!;
    if (!['S', 'SI', 'Z', 'T', 'TAC'].includes(name) || cmd !== name) return 'ES\r\n';
    const id = name === 'SI' ? 'S' : name;
    if (this.stateValue.busy) return `${id} I\r\n`;
    if (name === 'SI') {
      const r = this.range();
      if (r) return `S ${r === 'overload' ? '+' : '-'}\r\n`;
      return this.weight('S', this.stateValue.stable, this.net);
    }
    if (name === 'TAC') {
      this.tareGrams = 0;
      return 'TAC A\r\n';
    }
    // S, Z and T need a stable weight: wait for it as the scale does.
    const generation = this.generation;
    const settled = await this.settled();
    if (generation !== this.generation) return null;
    if (!settled) return `${id} I\r\n`;
    const r = this.range();
    if (name === 'S') {
      if (r) return `S ${r === 'overload' ? '+' : '-'}\r\n`;
      return this.weight('S', true, this.net);
    }
    if (name === 'Z') {
      if (r) return `Z ${r === 'overload' ? '+' : '-'}\r\n`;
      this.zeroOffset = this.stateValue.grams - this.tareGrams;
      return 'Z A\r\n';
    }
    if (r) return `T ${r === 'overload' ? '+' : '-'}\r\n`;
    this.tareGrams = this.stateValue.grams - this.zeroOffset;
    return this.weight('T', true, this.tareGrams);
  }

  /** Writes raw bytes to the host (tests: noise, split answers). */
  write(bytes: string | Uint8Array): void {
    const port = this.port;
    if (port?.isOpen)
      port.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    this.waiting = [];
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
