import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialScanner, type ScanEvent } from '../src/scanner/scanner';
import { PtyPair } from '../src/sim/pty';
import { ScannerSimulator } from '../src/sim/scanner-sim';

const fastBackoff = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 };

describe('serial scanner over a socat pty pair', () => {
  let pty: PtyPair;
  let sim: ScannerSimulator;
  let scanner: SerialScanner;

  beforeEach(async () => {
    pty = await new PtyPair().start();
    sim = await new ScannerSimulator(pty.a).open();
    scanner = new SerialScanner('lane-1', pty.b, { framing: { terminator: 'cr' }, backoff: fastBackoff });
  });

  afterEach(async () => {
    await scanner.close();
    await sim.close();
    await pty.dispose();
  });

  function collect(n: number): Promise<ScanEvent[]> {
    const seen: ScanEvent[] = [];
    return new Promise((resolve) => {
      scanner.on('scan', (s) => {
        seen.push(s);
        if (seen.length === n) resolve(seen);
      });
    });
  }

  it('delivers framed codes with their symbology through the lifecycle', async () => {
    await scanner.start();
    expect(scanner.state).toBe('enabled');
    expect(scanner.health.state).toBe('online');
    const got = collect(3);
    await sim.scan('4006381333931', { aim: ']E0' });
    await sim.scan('(01)09501101530003', { aim: ']C1' });
    await sim.scan('https://kassa.example/o/42', { aim: ']Q1' });
    const scans = await got;
    expect(scans.map((s) => [s.data, s.symbology, s.aimId])).toEqual([
      ['4006381333931', 'ean13', ']E0'],
      ['(01)09501101530003', 'gs1-128', ']C1'],
      ['https://kassa.example/o/42', 'qr', ']Q1'],
    ]);
    const stats = scanner.snapshot().stats;
    expect(stats.scans).toBe(3);
    expect(stats.bytesIn).toBeGreaterThan(40);
    expect(stats.lastSeen).not.toBeNull();
  });

  it('holds back scans while claimed but disabled', async () => {
    await scanner.open();
    await scanner.claim();
    await sim.scan('111');
    await sim.scan('222');
    // wait until the bytes reached the scanner, then enable
    while (scanner.snapshot().stats.bytesIn < 8) await new Promise((r) => setImmediate(r));
    const got = collect(1);
    await scanner.enable();
    await sim.scan('333');
    expect((await got).map((s) => s.data)).toEqual(['333']);
    expect(scanner.dropped).toBe(2);
  });

  it('drops a partial frame when the port disappears mid-frame and reconnects when it returns', async () => {
    await scanner.start();
    const faults: string[] = [];
    scanner.on('fault', (f) => faults.push(f.code));
    await sim.write(Buffer.from(']E0400638'));
    while (scanner.snapshot().stats.bytesIn < 9) await new Promise((r) => setImmediate(r));
    const offline = scanner.next('health', (s) => s.health.state === 'offline');
    await sim.close();
    await pty.stop();
    await offline;
    expect(faults).toContain('FRAME_INTERRUPTED');

    const online = scanner.next('health', (s) => s.health.state === 'online');
    await pty.start();
    sim = await new ScannerSimulator(pty.a).open();
    await online;
    const got = collect(1);
    await sim.scan('1333931', { aim: ']E0' });
    const [scan] = await got;
    expect(scan?.data).toBe('1333931');
    expect(scanner.snapshot().stats.reconnects).toBe(1);
  });

  it('starts offline when the port is absent and comes online once it appears', async () => {
    await scanner.close();
    await sim.close();
    await pty.stop();
    scanner = new SerialScanner('lane-1', pty.b, { backoff: fastBackoff });
    await scanner.start();
    expect(scanner.health.state).toBe('offline');
    const online = scanner.next('health', (s) => s.health.state === 'online');
    await pty.start();
    sim = await new ScannerSimulator(pty.a).open();
    await online;
    const got = collect(1);
    await sim.scan('5901234123457', { aim: ']E0' });
    expect((await got)[0]?.data).toBe('5901234123457');
  });

  it('rejects lifecycle steps out of order with a structured error', async () => {
    await expect(scanner.enable()).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await scanner.open();
    await expect(scanner.open()).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});
