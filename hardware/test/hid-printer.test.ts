import { describe, expect, it } from 'vitest';
import {
  EscPosParser,
  HidTransport,
  Printer,
  SimulatedHidBus,
  encodeStatus,
  okStatus,
  type PaperItem,
  type PrinterStatus,
} from '../src/index';
import { sampleReceipt } from './fixtures';

describe('a printer that presents as HID', () => {
  it('sends ESC/POS in length-prefixed output reports and reads status from input reports', async () => {
    const bus = new SimulatedHidBus();
    const device = bus.plug('/dev/hidraw-printer');
    const parser = new EscPosParser();
    const paper: PaperItem[] = [];
    let status: PrinterStatus = { ...okStatus, paperLow: true };
    device.on('written', (report: Buffer) => {
      expect(report.length).toBe(32);
      expect(report[0]).toBe(0);
      const payload = report.subarray(2, 2 + (report[1] ?? 0));
      for (const e of parser.push(payload)) {
        if (e.type === 'paper') paper.push(e.item);
        else device.report(Uint8Array.from([0x01, encodeStatus(status, e.n)]));
      }
    });
    const printer = new Printer('hid-printer', '/dev/hidraw-printer', new HidTransport(bus.opener, 32, 0), {
      columns: 42,
      statusIntervalMs: 0,
    });
    try {
      await printer.start();
      expect(printer.health.state).toBe('paper_low');
      const job = printer.print(sampleReceipt);
      expect(await printer.waitForJob(job.id)).toMatchObject({ state: 'printed' });
      expect(paper.some((p) => p.type === 'text' && p.text === 'Kassa Market')).toBe(true);
      expect(paper.filter((p) => p.type === 'qr')).toHaveLength(1);

      status = { ...status, coverOpen: true };
      await printer.refreshStatus();
      expect(printer.health.state).toBe('cover_open');
    } finally {
      await printer.close();
    }
  });
});
