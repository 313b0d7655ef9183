/** ESC/POS receipt printer and the cash drawer hanging off it. */
import { randomUUID } from 'node:crypto';
import type { ReceiptDocument } from '@kassa/promo-core';
import type { BackoffPolicy } from '../backoff';
import { Device, type BaseDeviceEvents } from '../device';
import { HardwareError, describeError } from '../errors';
import { printableFromDocument } from './from-promo-core';
import {
  AUTO_STATES,
  CANCELLABLE_STATES,
  RETRYABLE_STATES,
  jobInfo,
  restoredState,
  type JobState,
  type PrintJob,
  type PrintJobInfo,
} from './jobs';
import { drawerKick, renderReceipt, type PaperColumns } from './render';
import {
  DLE_EOT,
  applyStatus,
  healthOf,
  isStatusByte,
  okStatus,
  type PrinterStatus,
  type StatusQuery,
} from './status';
import type { PrinterTransport } from './transport';

export type PrinterEvents = BaseDeviceEvents & {
  job: [PrintJobInfo];
  status: [PrinterStatus];
};

export interface PrinterOptions {
  columns?: PaperColumns;
  printerModel?: string;
  /** How often to ask DLE EOT while idle; 0 turns polling off (status is still asked before each job). */
  statusIntervalMs?: number;
  statusTimeoutMs?: number;
  /** Bytes per write: smaller chunks report progress (bytesSent) more finely. */
  chunkSize?: number;
  backoff?: BackoffPolicy;
}

const ESC_INIT = Uint8Array.from([0x1b, 0x40]);

interface PendingQuery {
  n: StatusQuery;
  resolve: (byte: number) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class Printer extends Device<PrinterEvents> {
  readonly kind = 'printer' as const;
  readonly columns: PaperColumns;
  private readonly jobsById = new Map<string, PrintJob>();
  private readonly order: string[] = [];
  private statusValue: PrinterStatus | null = null;
  private pending: PendingQuery | null = null;
  private queryChain: Promise<unknown> = Promise.resolve();
  private pumping = false;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private readonly options: Required<Omit<PrinterOptions, 'backoff' | 'printerModel'>> & {
    printerModel?: string;
  };

  constructor(
    id: string,
    path: string | null,
    private readonly pipe: PrinterTransport,
    options: PrinterOptions = {},
  ) {
    super(id, path, options.backoff);
    this.options = {
      columns: options.columns ?? 42,
      statusIntervalMs: options.statusIntervalMs ?? 2_000,
      statusTimeoutMs: options.statusTimeoutMs ?? 1_000,
      chunkSize: options.chunkSize ?? 512,
      ...(options.printerModel ? { printerModel: options.printerModel } : {}),
    };
    this.columns = this.options.columns;
  }

  get transport(): string {
    return this.pipe.name;
  }

  get status(): PrinterStatus | null {
    return this.statusValue ? { ...this.statusValue } : null;
  }

  // ---- lifecycle hooks -------------------------------------------------------------------

  protected async connect(): Promise<void> {
    const path = this.path;
    if (path === null) throw new HardwareError('DEVICE_NOT_FOUND', `${this.id}: no path`);
    await this.pipe.open(path, {
      data: (bytes) => this.onBytes(bytes),
      lost: (reason) => this.linkLost(reason),
    });
  }

  protected async disconnect(): Promise<void> {
    this.stopPolling();
    this.rejectPending(new HardwareError('DEVICE_IO', `${this.id}: link closed`));
    await this.pipe.close();
  }

  protected override onLinkDown(reason: string): void {
    this.stopPolling();
    this.rejectPending(new HardwareError('DEVICE_IO', `${this.id}: link lost: ${reason}`));
  }

  protected override async onLinkUp(): Promise<void> {
    if (this.pipe.readsStatus) {
      await this.refreshStatus().catch(() => undefined);
      if (this.options.statusIntervalMs > 0) {
        this.pollTimer = setInterval(() => {
          if (!this.pumping)
            void this.refreshStatus().then(
              () => this.pump(),
              () => undefined,
            );
        }, this.options.statusIntervalMs);
        this.pollTimer.unref?.();
      }
    }
    void this.pump();
  }

  override async enable(): Promise<void> {
    await super.enable();
    void this.pump();
  }

  override async release(): Promise<void> {
    this.stopPolling();
    await super.release();
  }

  // ---- status ------------------------------------------------------------------------------

  /** Asks DLE EOT 1, 2 and 4 and folds the replies into one status (and the device health). */
  async refreshStatus(): Promise<PrinterStatus> {
    if (!this.pipe.readsStatus) {
      const st = { ...okStatus, online: this.isConnected };
      return st;
    }
    let status = { ...(this.statusValue ?? okStatus) };
    try {
      for (const n of [1, 2, 4] as const) status = applyStatus(status, n, await this.query(n));
    } catch (err) {
      if (this.isConnected) this.setHealth('offline', `no status reply: ${describeError(err)}`);
      throw err;
    }
    const changed = JSON.stringify(status) !== JSON.stringify(this.statusValue);
    this.statusValue = status;
    const h = healthOf(status);
    this.setHealth(h.state, h.reason);
    if (changed) this.emit('status', { ...status });
    return status;
  }

  private query(n: StatusQuery): Promise<number> {
    // One outstanding request at a time: replies carry no tag, so order is the only way to match them.
    const run = async (): Promise<number> => {
      if (!this.isConnected) throw new HardwareError('DEVICE_IO', `${this.id}: not connected`);
      const reply = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending = null;
          reject(new HardwareError('DEVICE_TIMEOUT', `${this.id}: no reply to DLE EOT ${n}`));
        }, this.options.statusTimeoutMs);
        this.pending = { n, resolve, reject, timer };
      });
      // If the write fails the reply is never awaited; keep its later rejection from going unhandled.
      reply.catch(() => undefined);
      try {
        await this.pipe.write(DLE_EOT(n));
      } catch (err) {
        this.rejectPending(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
      this.stats.bytesOut += 3;
      return reply;
    };
    const result = this.queryChain.then(run, run);
    this.queryChain = result.catch(() => undefined);
    return result;
  }

  private onBytes(bytes: Buffer): void {
    this.seen(bytes.length);
    for (const byte of bytes) {
      const pending = this.pending;
      if (!pending || !isStatusByte(byte)) continue;
      clearTimeout(pending.timer);
      this.pending = null;
      pending.resolve(byte);
    }
  }

  private rejectPending(err: Error): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = null;
    pending.reject(err);
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  // ---- jobs --------------------------------------------------------------------------------

  /** Queues a receipt (ReceiptPrintable) for printing; invalid receipts throw INVALID_RECEIPT. */
  print(receipt: unknown, options: { jobId?: string } = {}): PrintJobInfo {
    const bytes = renderReceipt(receipt, {
      columns: this.columns,
      ...(this.options.printerModel ? { printerModel: this.options.printerModel } : {}),
    });
    return this.enqueue('receipt', bytes, options.jobId);
  }

  /** Queues a promo-core receipt document (what `buildReceipt` returns). */
  printDocument(doc: ReceiptDocument, options: { jobId?: string } = {}): PrintJobInfo {
    return this.print(printableFromDocument(doc), options);
  }

  /** Queues bytes that are already ESC/POS. */
  printRaw(bytes: Uint8Array, options: { jobId?: string } = {}): PrintJobInfo {
    return this.enqueue('raw', bytes, options.jobId);
  }

  /** ESC p on pin 2 or 5; goes ahead of waiting receipts but never splits one. */
  kickDrawer(pin: 2 | 5 = 2): PrintJobInfo {
    return this.enqueue('drawer', drawerKick(pin), undefined, true);
  }

  job(id: string): PrintJobInfo | null {
    const job = this.jobsById.get(id);
    return job ? jobInfo(job) : null;
  }

  jobs(): PrintJobInfo[] {
    return this.order.flatMap((id) => {
      const job = this.jobsById.get(id);
      return job ? [jobInfo(job)] : [];
    });
  }

  /**
   * Resolves when the job reaches one of `states` (default: any state a caller must act on).
   * A job waits as long as the printer is away; with `timeoutMs` the promise resolves with the
   * job as it stands then (e.g. still `queued`), so a caller need not block on a missing printer.
   */
  async waitForJob(
    id: string,
    states: readonly JobState[] = ['printed', 'uncertain', 'failed', 'cancelled'],
    options: { timeoutMs?: number } = {},
  ): Promise<PrintJobInfo> {
    const current = this.job(id);
    if (!current) throw new HardwareError('JOB_NOT_FOUND', `no job ${id}`, { jobId: id });
    if (states.includes(current.state)) return current;
    const reached = this.next('job', (j) => j.id === id && states.includes(j.state)).then(([info]) => info);
    if (options.timeoutMs === undefined) return reached;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<PrintJobInfo>((resolve) => {
      timer = setTimeout(() => resolve(this.job(id) ?? current), options.timeoutMs);
    });
    try {
      return await Promise.race([reached, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Prints an uncertain, failed or cancelled job again: the caller accepts a possible duplicate. */
  retry(id: string): PrintJobInfo {
    const job = this.requireJob(id);
    if (!RETRYABLE_STATES.has(job.state)) {
      throw new HardwareError(
        'INVALID_STATE',
        `job ${id} is ${job.state}; only ${[...RETRYABLE_STATES].join(', ')} can be retried`,
        {
          jobId: id,
          state: job.state,
        },
      );
    }
    this.update(job, { state: 'queued', error: null });
    void this.pump();
    return jobInfo(job);
  }

  cancel(id: string): PrintJobInfo {
    const job = this.requireJob(id);
    if (!CANCELLABLE_STATES.has(job.state)) {
      throw new HardwareError('INVALID_STATE', `job ${id} is ${job.state} and cannot be cancelled`, {
        jobId: id,
      });
    }
    this.update(job, { state: 'cancelled' });
    return jobInfo(job);
  }

  /** Re-adopts jobs the hub persisted (after a restart); a job caught mid-print becomes `uncertain`. */
  restore(job: PrintJobInfo & { bytes: Uint8Array }): PrintJobInfo {
    const restored: PrintJob = { ...job, state: restoredState(job.state), bytes: job.bytes };
    this.jobsById.set(job.id, restored);
    if (!this.order.includes(job.id)) this.order.push(job.id);
    this.emit('job', jobInfo(restored));
    void this.pump();
    return jobInfo(restored);
  }

  private requireJob(id: string): PrintJob {
    const job = this.jobsById.get(id);
    if (!job) throw new HardwareError('JOB_NOT_FOUND', `no job ${id}`, { jobId: id });
    return job;
  }

  private enqueue(kind: PrintJob['kind'], bytes: Uint8Array, jobId?: string, first = false): PrintJobInfo {
    const id = jobId ?? randomUUID();
    const existing = this.jobsById.get(id);
    // Same id again (the hub retrying its request): return what we know instead of printing twice.
    if (existing) return jobInfo(existing);
    const now = Date.now();
    const job: PrintJob = {
      id,
      kind,
      state: 'queued',
      attempts: 0,
      bytesTotal: bytes.length,
      bytesSent: 0,
      error: null,
      createdAt: now,
      updatedAt: now,
      bytes,
    };
    this.jobsById.set(id, job);
    if (first) this.order.unshift(id);
    else this.order.push(id);
    this.emit('job', jobInfo(job));
    void this.pump();
    return jobInfo(job);
  }

  private update(job: PrintJob, patch: Partial<PrintJob>): void {
    Object.assign(job, patch, { updatedAt: Date.now() });
    this.emit('job', jobInfo(job));
  }

  private nextJob(): PrintJob | null {
    for (const id of this.order) {
      const job = this.jobsById.get(id);
      if (job && AUTO_STATES.has(job.state)) return job;
    }
    return null;
  }

  private blocked(status: PrinterStatus): boolean {
    return status.paperOut || status.coverOpen || status.error || !status.online;
  }

  /** Prints waiting jobs in order while the printer is connected and able to print. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const job = this.nextJob();
        if (!job || !this.isConnected) return;
        // UnifiedPOS: output needs an enabled device; jobs queued before wait for enable().
        if (this.lifecycle !== 'enabled') return;
        if (this.pipe.readsStatus) {
          const status = await this.refreshStatus().catch(() => null);
          if (!status || this.blocked(status)) return;
        }
        await this.run(job);
        if (job.state !== 'printed') return;
      }
    } finally {
      this.pumping = false;
    }
  }

  private async run(job: PrintJob): Promise<void> {
    // A retried job starts with ESC @ so styles left over from the broken attempt do not leak in.
    const bytes = job.attempts > 0 ? concat(ESC_INIT, job.bytes) : job.bytes;
    this.update(job, { state: 'printing', attempts: job.attempts + 1, bytesSent: 0, error: null });
    let sent = 0;
    try {
      for (let offset = 0; offset < bytes.length; offset += this.options.chunkSize) {
        const chunk = bytes.subarray(offset, offset + this.options.chunkSize);
        if (!this.isConnected) throw new HardwareError('DEVICE_IO', 'link lost');
        await this.pipe.write(chunk);
        sent += chunk.length;
        this.stats.bytesOut += chunk.length;
        job.bytesSent = Math.min(job.bytesTotal, sent);
      }
    } catch (err) {
      // A failed write means the link is gone even if the port has not said so yet.
      this.linkLost(describeError(err));
      this.update(job, { state: 'interrupted', error: describeError(err) });
      this.fault('JOB_INTERRUPTED', `job ${job.id} interrupted after ${sent} of ${bytes.length} bytes`, {
        jobId: job.id,
        bytesSent: sent,
      });
      return;
    }
    if (!this.pipe.readsStatus) {
      this.stats.jobs++;
      this.update(job, { state: 'printed', bytesSent: job.bytesTotal });
      return;
    }
    // Every byte left us: from here on a second automatic print could duplicate the receipt.
    try {
      const status = await this.refreshStatus();
      if (status.paperOut || status.coverOpen || status.error) {
        this.update(job, {
          state: 'uncertain',
          error: `printer reports ${healthOf(status).state} after the job`,
        });
        return;
      }
      this.stats.jobs++;
      this.update(job, { state: 'printed', bytesSent: job.bytesTotal });
    } catch (err) {
      this.update(job, { state: 'uncertain', error: `not confirmed: ${describeError(err)}` });
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export type DrawerEvents = BaseDeviceEvents & { drawer: [{ deviceId: string; open: boolean }] };

/** A cash drawer on a printer's kick connector: claimed with the printer, kicked through it. */
export class CashDrawer extends Device<DrawerEvents> {
  readonly kind = 'drawer' as const;
  readonly transport = 'printer';
  private lastOpen: boolean | null = null;

  constructor(
    id: string,
    readonly printer: Printer,
    readonly pin: 2 | 5 = 2,
  ) {
    super(id, printer.id);
    printer.on('health', () => {
      if (this.printer.isConnected) void this.reconnectNow();
      else this.linkLost('printer offline');
    });
    printer.on('status', (status) => {
      if (status.drawerOpen === this.lastOpen) return;
      this.lastOpen = status.drawerOpen;
      this.emit('drawer', { deviceId: this.id, open: status.drawerOpen });
    });
  }

  protected async connect(): Promise<void> {
    if (!this.printer.isConnected)
      throw new HardwareError('DEVICE_NOT_FOUND', `${this.id}: printer ${this.printer.id} is offline`);
  }

  protected async disconnect(): Promise<void> {}

  kick(): PrintJobInfo {
    if (this.lifecycle !== 'enabled') {
      throw new HardwareError('INVALID_STATE', `${this.id}: enable the drawer before kicking it`, {
        state: this.lifecycle,
      });
    }
    this.stats.jobs++;
    return this.printer.kickDrawer(this.pin);
  }

  get isOpen(): boolean | null {
    return this.lastOpen;
  }
}
