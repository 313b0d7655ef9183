/**
 * A serial checkout scale speaking MT-SICS (see ./mtsics.ts). One command is outstanding at a
 * time: answers carry the command's name but no tag, so order is the only way to pair them.
 * After a command goes unanswered the scale is reset with `@` (which cancels whatever it still
 * owes) before the next one, so a late answer can never be taken for the next command's.
 * While enabled it polls `SI` to report the live weight (`weight` event on every change) and to
 * notice a scale that stopped answering although its port is still there. With
 * `setLivePolling('watched')` it polls only while someone holds a `watch()` (the store hub: only
 * while a kiosk shows the live weight), so an idle lane does not talk to its scale all day.
 */
import type { BackoffPolicy } from '../backoff';
import { Device, type BaseDeviceEvents } from '../device';
import { HardwareError, describeError } from '../errors';
import { SerialLink, type SerialOptions } from '../serial-link';
import {
  SicsLineFramer,
  answersTo,
  encodeCommand,
  isKnownUnit,
  parseSicsLine,
  toGrams,
  type SicsCommand,
  type SicsResponse,
} from './mtsics';

/** What the scale reads now. `grams` is the net weight in whole grams (negative below zero). */
export interface ScaleReading {
  deviceId: string;
  status: 'stable' | 'moving' | 'overload' | 'underload';
  grams: number | null;
  /** The weight field and unit as the scale sent them, for diagnostics. */
  value: string | null;
  unit: string | null;
  at: number;
}

export type ScaleEvents = BaseDeviceEvents & { weight: [ScaleReading] };

export interface SerialScaleOptions {
  serial?: Partial<SerialOptions>;
  /** How long to wait for an answer to SI, Z, T or @. */
  answerTimeoutMs?: number;
  /** How long `S` may take: the scale itself waits for stability before it answers. */
  stableTimeoutMs?: number;
  /** How often to poll SI while enabled, for the live weight; 0 = never. */
  pollIntervalMs?: number;
  backoff?: BackoffPolicy;
}

interface Pending {
  expect: string;
  resolve: (r: SicsResponse) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class SerialScale extends Device<ScaleEvents> {
  readonly kind = 'scale' as const;
  readonly transport = 'serial';
  private link: SerialLink | null = null;
  private readonly framer = new SicsLineFramer();
  private readonly serial: SerialOptions;
  private readonly options: Required<Omit<SerialScaleOptions, 'serial' | 'backoff'>>;
  private pending: Pending | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private needsReset = true;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private polling: Promise<void> | null = null;
  private last: ScaleReading | null = null;
  private livePolling: 'enabled' | 'watched' = 'enabled';
  private watchers = 0;

  constructor(id: string, path: string | null, options: SerialScaleOptions = {}) {
    super(id, path, options.backoff);
    // MT-SICS scales default to 9600 baud, 8 data bits, no parity, 1 stop bit.
    this.serial = { baudRate: 9600, ...options.serial };
    this.options = {
      answerTimeoutMs: options.answerTimeoutMs ?? 1_000,
      stableTimeoutMs: options.stableTimeoutMs ?? 3_000,
      pollIntervalMs: options.pollIntervalMs ?? 300,
    };
  }

  /** The last weight the scale reported (null before the first answer, or while offline). */
  get reading(): ScaleReading | null {
    return this.last;
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
    // Whatever the scale was doing before we took the port is not ours to read.
    this.needsReset = true;
  }

  protected async disconnect(): Promise<void> {
    this.stopPolling();
    this.rejectPending(new HardwareError('DEVICE_IO', `${this.id}: link closed`));
    this.framer.reset();
    const link = this.link;
    this.link = null;
    await link?.close();
    this.forget();
  }

  protected override onLinkDown(reason: string): void {
    this.stopPolling();
    this.rejectPending(new HardwareError('DEVICE_IO', `${this.id}: link lost: ${reason}`));
    this.framer.reset();
    this.forget();
  }

  protected override async onLinkUp(): Promise<void> {
    if (this.lifecycle === 'enabled') this.startPolling();
  }

  override async enable(): Promise<void> {
    await super.enable();
    if (this.isConnected) this.startPolling();
  }

  /**
   * 'enabled' (the default): polls the live weight whenever enabled. 'watched': only while at
   * least one `watch()` is held; a weighing (`weighStable`) works either way.
   */
  setLivePolling(mode: 'enabled' | 'watched'): void {
    this.livePolling = mode;
    if (this.wantsPolling()) {
      if (this.lifecycle === 'enabled' && this.isConnected) this.startPolling();
    } else this.stopPolling();
  }

  /** How many `watch()` holders there are now. */
  get watchCount(): number {
    return this.watchers;
  }

  /**
   * Polls the live weight until the returned function is called (each holder calls its own once;
   * a second call does nothing). Changes arrive as `weight` and `health` events.
   */
  watch(): () => void {
    this.watchers++;
    if (this.lifecycle === 'enabled' && this.isConnected) this.startPolling();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.watchers--;
      if (!this.wantsPolling()) this.stopPolling();
    };
  }

  /**
   * Reads the live weight once now (or waits for the read under way), so `reading` is fresh
   * after a pause in polling. Never throws: a failure shows in `reading` and `health`.
   */
  refresh(): Promise<void> {
    return this.polling ?? this.poll();
  }

  private wantsPolling(): boolean {
    return this.livePolling === 'enabled' || this.watchers > 0;
  }

  override async disable(): Promise<void> {
    this.stopPolling();
    await super.disable();
  }

  // ---- weighing ----------------------------------------------------------------------------

  /**
   * The next stable weight (`S`). Refusals are HardwareErrors: SCALE_UNSTABLE (no stability in
   * time, or busy), SCALE_OVERLOAD, SCALE_UNDERLOAD, DEVICE_TIMEOUT, DEVICE_IO (offline).
   */
  async weighStable(): Promise<ScaleReading & { grams: number }> {
    const r = await this.weigh('S', this.options.stableTimeoutMs);
    if (r.status !== 'stable' || r.grams === null)
      throw new HardwareError('SCALE_UNSTABLE', `${this.id}: the weight did not settle`, { reading: r });
    return r as ScaleReading & { grams: number };
  }

  /** The weight at once (`SI`), stable or still moving. */
  weighNow(): Promise<ScaleReading> {
    return this.weigh('SI', this.options.answerTimeoutMs);
  }

  /** Sets zero (`Z`): refused while the weight moves, or outside the scale's zero range. */
  async zero(): Promise<void> {
    const r = await this.command('Z', this.options.stableTimeoutMs);
    if (r.kind === 'ack') return;
    throw this.refusal(r, 'zero');
  }

  /** Tares what is on the platter (`T`); answers the tare in grams. */
  async tare(): Promise<number> {
    const r = await this.command('T', this.options.stableTimeoutMs);
    if (r.kind === 'weight') {
      const grams = toGrams(r.value, r.unit);
      if (grams !== null) return grams;
    }
    throw this.refusal(r, 'tare');
  }

  private async weigh(cmd: 'S' | 'SI', timeoutMs: number): Promise<ScaleReading> {
    const r = await this.command(cmd, timeoutMs);
    const at = Date.now();
    let reading: ScaleReading;
    if (r.kind === 'weight') {
      const grams = toGrams(r.value, r.unit);
      if (grams === null || !isKnownUnit(r.unit)) {
        this.fault('SCALE_UNIT', `${this.id}: unknown unit ${r.unit}`, { raw: r.raw });
        throw new HardwareError('UNSUPPORTED', `${this.id}: the scale weighs in ${r.unit}`, { raw: r.raw });
      }
      reading = {
        deviceId: this.id,
        status: r.stable ? 'stable' : 'moving',
        grams,
        value: r.value,
        unit: r.unit,
        at,
      };
    } else if (r.kind === 'overload' || r.kind === 'underload') {
      reading = { deviceId: this.id, status: r.kind, grams: null, value: null, unit: null, at };
    } else {
      throw this.refusal(r, 'weigh');
    }
    this.remember(reading);
    if (reading.status === 'overload')
      throw new HardwareError('SCALE_OVERLOAD', `${this.id}: too heavy for the scale`, { reading });
    if (reading.status === 'underload')
      throw new HardwareError('SCALE_UNDERLOAD', `${this.id}: below the scale's zero`, { reading });
    return reading;
  }

  private refusal(r: SicsResponse, what: string): HardwareError {
    const details = { raw: r.raw };
    if (r.kind === 'busy')
      return new HardwareError('SCALE_UNSTABLE', `${this.id}: cannot ${what} now (moving or busy)`, details);
    if (r.kind === 'overload')
      return new HardwareError('SCALE_OVERLOAD', `${this.id}: cannot ${what}: above range`, details);
    if (r.kind === 'underload')
      return new HardwareError('SCALE_UNDERLOAD', `${this.id}: cannot ${what}: below range`, details);
    return new HardwareError('SCALE_REFUSED', `${this.id}: the scale refused to ${what}: ${r.raw}`, details);
  }

  private remember(reading: ScaleReading): void {
    const prev = this.last;
    this.last = reading;
    if (!prev || prev.status !== reading.status || prev.grams !== reading.grams)
      this.emit('weight', { ...reading });
  }

  /** Offline: the last weight means nothing any more. */
  private forget(): void {
    this.last = null;
  }

  // ---- the command channel ----------------------------------------------------------------

  /** Sends one command once every earlier one is answered, resetting first when needed. */
  private command(cmd: SicsCommand, timeoutMs: number): Promise<SicsResponse> {
    const run = async (): Promise<SicsResponse> => {
      if (this.needsReset) {
        await this.send('@', this.options.answerTimeoutMs);
        this.needsReset = false;
      }
      return this.send(cmd, timeoutMs);
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async send(cmd: SicsCommand, timeoutMs: number): Promise<SicsResponse> {
    const link = this.link;
    if (!link || !this.isConnected) throw new HardwareError('DEVICE_IO', `${this.id}: not connected`);
    const answer = new Promise<SicsResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        // Whatever the scale answers later belongs to this command, not the next: reset first.
        this.needsReset = true;
        reject(new HardwareError('DEVICE_TIMEOUT', `${this.id}: no answer to ${cmd}`, { command: cmd }));
      }, timeoutMs);
      this.pending = { expect: answersTo(cmd), resolve, reject, timer };
    });
    // If the write fails the answer is never awaited; keep its later rejection from going unhandled.
    answer.catch(() => undefined);
    const bytes = encodeCommand(cmd);
    try {
      await link.write(bytes);
    } catch (err) {
      this.rejectPending(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    this.stats.bytesOut += bytes.length;
    const r = await answer;
    this.stats.jobs++;
    this.setHealth('online');
    return r;
  }

  private onBytes(chunk: Buffer): void {
    this.seen(chunk.length);
    for (const outcome of this.framer.push(chunk)) {
      if (outcome.kind === 'garbage') {
        this.fault(outcome.code, `${this.id}: line rejected`, { raw: outcome.raw });
        continue;
      }
      const r = parseSicsLine(outcome.line);
      const pending = this.pending;
      const mine =
        pending !== null &&
        (r.kind === 'error' || (r.kind !== 'unknown' && 'cmd' in r && r.cmd === pending.expect));
      if (!mine) {
        this.fault('UNEXPECTED_ANSWER', `${this.id}: answer to no command`, { raw: r.raw });
        continue;
      }
      clearTimeout(pending.timer);
      this.pending = null;
      pending.resolve(r);
    }
  }

  private rejectPending(err: Error): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = null;
    pending.reject(err);
  }

  // ---- live weight ------------------------------------------------------------------------

  private startPolling(): void {
    if (this.pollTimer || this.options.pollIntervalMs <= 0 || !this.wantsPolling()) return;
    this.pollTimer = setInterval(() => void this.poll(), this.options.pollIntervalMs);
    this.pollTimer.unref?.();
    void this.poll();
  }

  private poll(): Promise<void> {
    // One poll at a time; a weighing in progress answers for the poll anyway.
    if (this.polling) return this.polling;
    if (!this.isConnected || this.pending) return Promise.resolve();
    const run = (async () => {
      try {
        await this.weighNow();
      } catch (err) {
        if (err instanceof HardwareError && err.code === 'DEVICE_TIMEOUT' && this.isConnected) {
          this.forget();
          this.setHealth('error', `the scale does not answer: ${describeError(err)}`);
        }
      } finally {
        this.polling = null;
      }
    })();
    this.polling = run;
    return run;
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }
}
