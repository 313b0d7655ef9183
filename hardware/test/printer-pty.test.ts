import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EscPosParser, type PaperItem } from '../src/printer/escpos-parser';
import type { PrintJobInfo } from '../src/printer/jobs';
import { CashDrawer, Printer } from '../src/printer/printer';
import type { ReceiptPrintableInput } from '../src/printer/receipt';
import { FileTransport, SerialTransport } from '../src/printer/transport';
import { PrinterSimulator } from '../src/sim/printer-sim';
import { PtyPair } from '../src/sim/pty';
import { sampleReceipt } from './fixtures';

const fastBackoff = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 };
const receipts = (sim: PrinterSimulator): PaperItem[][] => sim.receipts();

function longReceipt(lines: number): ReceiptPrintableInput {
  return {
    sections: [
      {
        lines: [
          { type: 'text', text: 'LONG RECEIPT START', align: 'center', bold: true },
          ...Array.from({ length: lines }, (_, i) => ({
            type: 'text' as const,
            text: `line ${i} ${'.'.repeat(30)}`,
          })),
          { type: 'text', text: 'LONG RECEIPT END', align: 'center' },
        ],
      },
    ],
  };
}

describe('ESC/POS printer over a socat pty pair', () => {
  let pty: PtyPair;
  let sim: PrinterSimulator;
  let printer: Printer;

  beforeEach(async () => {
    pty = await new PtyPair().start();
    sim = await new PrinterSimulator(pty.a).open();
    printer = new Printer('printer-1', pty.b, new SerialTransport({ baudRate: 115200 }), {
      columns: 42,
      statusIntervalMs: 25,
      statusTimeoutMs: 300,
      backoff: fastBackoff,
    });
  });

  afterEach(async () => {
    await printer.close();
    await sim.close();
    await pty.dispose();
  });

  it('holds jobs until the printer is enabled (UnifiedPOS output rule)', async () => {
    await printer.open();
    await printer.claim();
    const job = printer.print(sampleReceipt);
    await printer.refreshStatus();
    expect(printer.job(job.id)?.state).toBe('queued');
    await printer.enable();
    expect(await printer.waitForJob(job.id)).toMatchObject({ state: 'printed' });
  });

  it('prints a receipt a person can read back, and reports it printed', async () => {
    await printer.start();
    const job = printer.print(sampleReceipt);
    const done = await printer.waitForJob(job.id);
    expect(done).toMatchObject({ state: 'printed', attempts: 1 });
    while (receipts(sim).length < 1) await new Promise((r) => setTimeout(r, 5));
    const lines = sim.lines();
    expect(lines[0]).toBe('Kassa Market');
    expect(lines.some((l) => /^TOTAL +EUR 6\.47$/.test(l))).toBe(true);
    expect(sim.paper.filter((p) => p.type === 'qr')).toHaveLength(1);
    expect(printer.health.state).toBe('online');
    expect(printer.snapshot().stats.jobs).toBe(1);
  });

  it('answers the same job id once (a hub retrying its request prints nothing twice)', async () => {
    await printer.start();
    const a = printer.print(sampleReceipt, { jobId: 'order-1' });
    const b = printer.print(sampleReceipt, { jobId: 'order-1' });
    expect(b.id).toBe(a.id);
    await printer.waitForJob('order-1');
    const extra = printer.print(longReceipt(1), { jobId: 'order-2' });
    await printer.waitForJob(extra.id);
    while (receipts(sim).length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(receipts(sim)).toHaveLength(2);
  });

  it('reports paper low, cover open and paper out, and holds jobs until the printer can print', async () => {
    await printer.start();
    sim.status = { ...sim.status, paperLow: true };
    await printer.next('health', (s) => s.health.state === 'paper_low');

    sim.status = { ...sim.status, coverOpen: true };
    await printer.next('health', (s) => s.health.state === 'cover_open');
    const job = printer.print(sampleReceipt);
    // Still queued after several polls (25 ms apart) while the cover is open.
    await new Promise((r) => setTimeout(r, 150));
    expect(printer.job(job.id)?.state).toBe('queued');

    sim.status = { ...sim.status, coverOpen: false, paperOut: true };
    await printer.next('health', (s) => s.health.state === 'paper_out');
    expect(printer.job(job.id)?.state).toBe('queued');

    sim.status = { ...sim.status, paperOut: false, paperLow: false };
    expect(await printer.waitForJob(job.id)).toMatchObject({ state: 'printed' });
    expect(printer.health.state).toBe('online');
  });

  it('goes offline when the printer stops answering and prints once it answers again', async () => {
    sim.answersStatus = false;
    await printer.start();
    expect(printer.health).toMatchObject({ state: 'offline' });
    const job = printer.print(sampleReceipt);
    expect(printer.job(job.id)?.state).toBe('queued');
    // A caller that will not wait for a missing printer gets the job as it stands.
    expect(await printer.waitForJob(job.id, undefined, { timeoutMs: 100 })).toMatchObject({
      state: 'queued',
    });
    sim.answersStatus = true;
    expect(await printer.waitForJob(job.id)).toMatchObject({ state: 'printed' });
  });

  it('retries a job cut off mid-print when the printer comes back, and prints it in full once', async () => {
    await printer.start();
    // Stop reading after a few KB: the writer blocks like on a busy printer, then the cable goes.
    const pausedAt = new Promise<void>((resolve) => {
      const onBytes = (n: number): void => {
        if (n < 2_000) return;
        sim.off('bytes', onBytes);
        sim.pause();
        resolve();
      };
      sim.on('bytes', onBytes);
    });
    const job = printer.print(longReceipt(3_000));
    await pausedAt;
    const interrupted = printer.waitForJob(job.id, ['interrupted']);
    await pty.stop();
    const first = await interrupted;
    expect(first.bytesSent).toBeLessThan(first.bytesTotal);
    expect(printer.health.state).toBe('offline');
    const partialPaper = sim.lines();
    expect(partialPaper).toContain('LONG RECEIPT START');
    expect(partialPaper).not.toContain('LONG RECEIPT END');
    await sim.close();

    // The printer is power-cycled and plugged back in.
    await pty.start();
    sim = await new PrinterSimulator(pty.a).open();
    const done = await printer.waitForJob(job.id);
    expect(done).toMatchObject({ state: 'printed', attempts: 2 });
    while (!sim.lines().includes('LONG RECEIPT END')) await new Promise((r) => setTimeout(r, 5));
    const full = receipts(sim);
    expect(full).toHaveLength(1);
    expect(sim.lines().filter((l) => l === 'LONG RECEIPT START')).toHaveLength(1);
    expect(sim.lines().filter((l) => l.startsWith('line '))).toHaveLength(3_000);
  });

  it('marks a job uncertain when the printer does not confirm it, and prints again only on request', async () => {
    await printer.start();
    // The printer answers until the job has come through in full, then goes silent.
    const silence = (item: PaperItem): void => {
      if (item.type === 'cut') sim.answersStatus = false;
    };
    sim.on('paper', silence);
    const job = printer.print(sampleReceipt);
    const uncertain = await printer.waitForJob(job.id);
    expect(uncertain.state).toBe('uncertain');
    await new Promise((r) => setTimeout(r, 50));
    expect(printer.job(job.id)?.state).toBe('uncertain');
    while (receipts(sim).length < 1) await new Promise((r) => setTimeout(r, 5));

    sim.off('paper', silence);
    sim.answersStatus = true;
    printer.retry(job.id);
    expect(await printer.waitForJob(job.id)).toMatchObject({ state: 'printed', attempts: 2 });
    while (receipts(sim).length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(receipts(sim)).toHaveLength(2);
    expect(() => printer.retry(job.id)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });

  it('re-adopts jobs the hub stored: a job caught printing is uncertain, a queued one prints', async () => {
    const bytes = new Uint8Array([0x1b, 0x40, ...Buffer.from('RESTORED\n'), 0x1d, 0x56, 0x01]);
    const base = {
      kind: 'raw' as const,
      attempts: 1,
      bytesTotal: bytes.length,
      bytesSent: 0,
      error: null,
      createdAt: 1,
      updatedAt: 1,
    };
    const caught = printer.restore({ ...base, id: 'was-printing', state: 'printing', bytes });
    expect(caught.state).toBe('uncertain');
    printer.restore({ ...base, id: 'was-queued', state: 'queued', attempts: 0, bytes });
    await printer.start();
    expect(await printer.waitForJob('was-queued')).toMatchObject({ state: 'printed' });
    expect(printer.job('was-printing')?.state).toBe('uncertain');
    while (!sim.lines().includes('RESTORED')) await new Promise((r) => setTimeout(r, 5));
    expect(sim.lines().filter((l) => l === 'RESTORED')).toHaveLength(1);
  });

  it('kicks a cash drawer on either pin and reports it open', async () => {
    await printer.start();
    const drawer2 = new CashDrawer('drawer-1', printer, 2);
    const drawer5 = new CashDrawer('drawer-2', printer, 5);
    await drawer2.start();
    await drawer5.start();
    const opened = drawer2.next('drawer', (d) => d.open);
    await printer.waitForJob(drawer2.kick().id);
    await printer.waitForJob(drawer5.kick().id);
    while (sim.paper.filter((p) => p.type === 'drawer').length < 2)
      await new Promise((r) => setTimeout(r, 5));
    expect(sim.paper.filter((p) => p.type === 'drawer')).toEqual([
      { type: 'drawer', pin: 2 },
      { type: 'drawer', pin: 5 },
    ]);
    sim.status = { ...sim.status, drawerOpen: true };
    expect((await opened)[0]).toEqual({ deviceId: 'drawer-1', open: true });
    await drawer2.close();
    await drawer5.close();
  });
});

describe('USB printer-class node written as a file', () => {
  it('writes the job to the device node, and never creates the node when the printer is absent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kassa-lp-'));
    const node = join(dir, 'lp0');
    const printer = new Printer('usb-1', node, new FileTransport(), {
      columns: 48,
      backoff: { initialMs: 20, maxMs: 100, factor: 2, jitter: 0 },
    });
    try {
      await printer.start();
      expect(printer.health.state).toBe('offline');
      expect(existsSync(node)).toBe(false);
      const online = printer.next('health', (s) => s.health.state === 'online');
      writeFileSync(node, ''); // the printer is plugged in: its node appears
      await online;
      const job: PrintJobInfo = printer.print(sampleReceipt);
      expect(await printer.waitForJob(job.id)).toMatchObject({ state: 'printed' });
      const items = new EscPosParser()
        .push(readFileSync(node))
        .flatMap((e) => (e.type === 'paper' && e.item.type === 'text' ? [e.item.text] : []));
      expect(items).toContain('Kassa Market');
    } finally {
      await printer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
