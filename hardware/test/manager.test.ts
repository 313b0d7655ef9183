import { afterEach, describe, expect, it } from 'vitest';
import {
  DeviceManager,
  HidScanner,
  PrinterSimulator,
  PtyPair,
  ScannerSimulator,
  SimulatedHidBus,
  matchCandidate,
  parseConfig,
  type Candidate,
  type ScanEvent,
} from '../src/index';
import { sampleReceipt } from './fixtures';

const fast = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 };

function candidate(patch: Partial<Candidate>): Candidate {
  return {
    source: 'hid',
    path: '/dev/hidraw0',
    vendorId: 0x0c2e,
    productId: 0x0b61,
    serialNumber: null,
    manufacturer: null,
    product: null,
    usagePage: null,
    usage: null,
    ...patch,
  };
}

describe('configuration file', () => {
  it('fills defaults and accepts USB ids in hex', () => {
    const cfg = parseConfig({
      devices: [
        {
          id: 'scan',
          kind: 'scanner',
          transport: 'serial',
          match: { vendorId: '0x0c2e', productId: '0b61' },
        },
        { id: 'prn', kind: 'printer', transport: 'usb-file', match: { path: '/dev/usb/lp0' } },
        { id: 'drw', kind: 'drawer', printer: 'prn' },
      ],
    });
    expect(cfg.devices[0]).toMatchObject({
      match: { vendorId: 0x0c2e, productId: 0x0b61 },
      framing: { terminator: 'cr' },
    });
    expect(cfg.devices[1]).toMatchObject({ columns: 42 });
    expect(cfg.devices[2]).toMatchObject({ pin: 2 });
    expect(cfg.reconnect.maxMs).toBe(10_000);
  });

  it('answers a bad file with INVALID_CONFIG and the reasons', () => {
    const reasons = (devices: unknown[]): string => {
      try {
        parseConfig({ devices });
      } catch (err) {
        expect(err).toMatchObject({ code: 'INVALID_CONFIG' });
        return JSON.stringify((err as { toJSON(): unknown }).toJSON());
      }
      throw new Error('expected INVALID_CONFIG');
    };
    expect(reasons([{ id: 'a', kind: 'scanner', transport: 'serial', match: {} }])).toContain(
      'match needs a path',
    );
    expect(
      reasons([{ id: 'q', kind: 'printer', transport: 'serial', columns: 40, match: { path: '/x' } }]),
    ).toContain('devices.0');
    const semantic = reasons([
      { id: 'a', kind: 'scanner', transport: 'serial', match: { path: '/x' } },
      { id: 'a', kind: 'drawer', printer: 'nope' },
      { id: 'p', kind: 'printer', transport: 'usb-file', match: { vendorId: 1 } },
    ]);
    expect(semantic).toContain('duplicate id a');
    expect(semantic).toContain('no printer nope');
    expect(semantic).toContain('matched by path');
  });
});

describe('discovery matching', () => {
  const list = [
    candidate({ path: '/dev/hidraw1', usagePage: 0x01, usage: 0x06 }),
    candidate({ path: '/dev/hidraw2', usagePage: 0x8c, usage: 0x02 }),
    candidate({ path: '/dev/hidraw3', vendorId: 0x05e0, serialNumber: 'S123' }),
  ];

  it('matches by vendor/product id and prefers the right interface', () => {
    expect(matchCandidate({ vendorId: 0x0c2e, productId: 0x0b61 }, list, 'hid-pos')).toBe('/dev/hidraw2');
    expect(matchCandidate({ vendorId: 0x0c2e, productId: 0x0b61 }, list, 'hid-keyboard')).toBe(
      '/dev/hidraw1',
    );
  });

  it('matches by serial number, takes a path as given, and finds nothing when nothing fits', () => {
    expect(matchCandidate({ serialNumber: 'S123' }, list)).toBe('/dev/hidraw3');
    expect(matchCandidate({ path: '/dev/pts/9' }, [])).toBe('/dev/pts/9');
    expect(matchCandidate({ vendorId: 0x1234 }, list)).toBeNull();
  });
});

describe('device manager', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });

  it('runs a scanner, a printer and a drawer from one configuration over real ptys', async () => {
    const scanPty = await new PtyPair().start();
    const printPty = await new PtyPair().start();
    cleanup.push(
      () => scanPty.dispose(),
      () => printPty.dispose(),
    );
    const scannerSim = await new ScannerSimulator(scanPty.a, { aim: ']E0' }).open();
    const printerSim = await new PrinterSimulator(printPty.a).open();
    cleanup.push(
      () => scannerSim.close(),
      () => printerSim.close(),
    );

    const manager = new DeviceManager({
      reconnect: fast,
      discoveryIntervalMs: 0,
      devices: [
        { id: 'lane1-scanner', kind: 'scanner', transport: 'serial', match: { path: scanPty.b } },
        {
          id: 'receipt',
          kind: 'printer',
          transport: 'serial',
          columns: 32,
          statusIntervalMs: 50,
          match: { path: printPty.b },
        },
        { id: 'drawer', kind: 'drawer', printer: 'receipt', pin: 5 },
      ],
    });
    cleanup.push(() => manager.stop());
    await manager.start();
    expect(manager.snapshot().map((s) => [s.id, s.lifecycle, s.health.state])).toEqual([
      ['receipt', 'enabled', 'online'],
      ['lane1-scanner', 'enabled', 'online'],
      ['drawer', 'enabled', 'online'],
    ]);

    const scanned = manager.next('scan');
    await scannerSim.scan('4006381333931');
    expect((await scanned)[0]).toMatchObject({
      deviceId: 'lane1-scanner',
      data: '4006381333931',
      symbology: 'ean13',
    });

    const printed = manager.next('job', (j) => j.job.state === 'printed');
    manager.printer('receipt').print(sampleReceipt);
    expect((await printed)[0].deviceId).toBe('receipt');
    manager.drawer('drawer').kick();
    while (!printerSim.paper.some((p) => p.type === 'drawer')) await new Promise((r) => setTimeout(r, 5));
    expect(printerSim.paper.filter((p) => p.type === 'drawer')).toEqual([{ type: 'drawer', pin: 5 }]);
    expect(printerSim.lines()).toContain('Kassa Market');
    expect(() => manager.printer('lane1-scanner')).toThrow(
      expect.objectContaining({ code: 'DEVICE_NOT_FOUND' }),
    );
  });

  it('finds a scanner by USB id and follows it to a new path after a replug', async () => {
    const first = await new PtyPair().start();
    cleanup.push(() => first.dispose());
    let listing: Candidate[] = [candidate({ source: 'serial', path: first.b, usagePage: null })];
    const manager = new DeviceManager(
      {
        reconnect: { ...fast, initialMs: 5_000, maxMs: 5_000 },
        discoveryIntervalMs: 0,
        devices: [
          { id: 's', kind: 'scanner', transport: 'serial', match: { vendorId: '0c2e', productId: '0b61' } },
        ],
      },
      { listSerial: async () => listing },
    );
    cleanup.push(() => manager.stop());
    await manager.start();
    expect(manager.get('s').snapshot()).toMatchObject({ path: first.b, health: { state: 'online' } });

    const offline = manager.next('health', (s) => s.health.state === 'offline');
    await first.stop();
    await offline;

    // Plugged into another port: a new path. Discovery sees it long before the 5 s back-off.
    const second = await new PtyPair().start();
    cleanup.push(() => second.dispose());
    listing = [candidate({ source: 'serial', path: second.b })];
    const found = await manager.discover();
    expect(found.get('s')).toBe(second.b);
    expect(manager.get('s').snapshot()).toMatchObject({ path: second.b, health: { state: 'online' } });
    const sim = await new ScannerSimulator(second.a).open();
    cleanup.push(() => sim.close());
    const got = manager.next('scan');
    await sim.scan('96385074', { aim: ']E4' });
    expect((await got)[0]).toMatchObject({ data: '96385074', symbology: 'ean8' });
  });

  it('drives HID POS and keyboard-wedge scanners through the HID interface, with replug', async () => {
    const bus = new SimulatedHidBus();
    const pos = bus.plug('/dev/hidraw-pos');
    const wedge = bus.plug('/dev/hidraw-kbd');
    const manager = new DeviceManager(
      {
        reconnect: fast,
        discoveryIntervalMs: 0,
        devices: [
          {
            id: 'pos',
            kind: 'scanner',
            transport: 'hid-pos',
            match: { vendorId: 0x0c2e, productId: 0x0b61 },
          },
          {
            id: 'kbd',
            kind: 'scanner',
            transport: 'hid-keyboard',
            match: { vendorId: 0x0c2e, productId: 0x0b61 },
          },
        ],
      },
      {
        hidOpener: bus.opener,
        listHid: async () => [
          candidate({ path: '/dev/hidraw-pos', usagePage: 0x8c, usage: 0x02 }),
          candidate({ path: '/dev/hidraw-kbd', usagePage: 0x01, usage: 0x06 }),
        ],
      },
    );
    cleanup.push(() => manager.stop());
    await manager.start();
    expect(manager.scanner('pos')).toBeInstanceOf(HidScanner);
    const scans: ScanEvent[] = [];
    manager.on('scan', (s) => scans.push(s));

    const report = new Uint8Array(64);
    report.set([0x02, 13, ...Buffer.from(']E04006381333931')]);
    pos.report(report);
    wedge.type(']C1ABC-123');
    expect(scans.map((s) => [s.deviceId, s.data, s.symbology])).toEqual([
      ['pos', '4006381333931', 'ean13'],
      ['kbd', 'ABC-123', 'gs1-128'],
    ]);

    const offline = manager.next('health', (s) => s.id === 'kbd' && s.health.state === 'offline');
    bus.unplug('/dev/hidraw-kbd');
    await offline;
    const online = manager.next('health', (s) => s.id === 'kbd' && s.health.state === 'online');
    const again = bus.plug('/dev/hidraw-kbd');
    await online;
    again.type('42');
    expect(scans[scans.length - 1]).toMatchObject({ deviceId: 'kbd', data: '42' });
  });
});
