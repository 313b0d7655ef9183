/**
 * `hardware` CLI: see what is plugged in, run simulators on pseudo-terminals, watch a configured
 * store's devices, print a test receipt. Usage: `hardware help`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { listHidCandidates, listSerial } from './discovery';
import { HardwareError, describeError } from './errors';
import { DeviceManager } from './manager';
import { paperToText, type PaperItem } from './printer/escpos-parser';
import { paperToPng } from './sim/paper-png';
import type { ReceiptPrintableInput } from './printer/receipt';
import { PrinterSimulator } from './sim/printer-sim';
import { PtyPair } from './sim/pty';
import { ScannerSimulator, type SimTerminator } from './sim/scanner-sim';
import { simulateScale } from './sim/scale-cli';

const USAGE = `hardware — Kassa store devices

  hardware list [--config devices.json]
      Serial ports and HID devices on this machine (and which configured device matches each).
  hardware pty [--device <path>] [--host <path>]
      Start a socat pseudo-terminal pair and keep it open: simulators use --device, Kassa uses --host.
  hardware simulate scanner --port <pty> [--file codes.txt] [--delay 500] [--aim ]E0]
                            [--terminator cr|lf|crlf|etx|tab] [--repeat 1] [code ...]
      Type barcodes into a port, as a serial scanner would.
  hardware simulate printer --port <pty> [--paper-low] [--paper-out] [--cover-open] [--silent]
                            [--png <dir> [--columns 42]]
      Show what would be printed on the paper, and answer status requests; --png also draws
      each receipt (at each cut) as <dir>/receipt-NNN.png for a visual check.
  hardware simulate scale --port <pty> [--state scale.json] [--weight 0.456kg] [--unit kg|g]
      A Mettler Toledo MT-SICS scale answering S, SI, Z, T, @ on the port.
  hardware simulate scale set --state scale.json <0.456kg|456g|empty> [--moving] [--silent] [--busy]
      Put something on that simulated scale (it reads the state file).
  hardware watch --config devices.json
      Start every configured device and print each event as a JSON line.
  hardware print --config devices.json --printer <id> [--receipt receipt.json] [--kick]
      Print a receipt (a test receipt by default) and optionally kick the drawer.
  hardware demo
      Scanner and printer simulators wired to a device manager: each scan prints a receipt.
`;

const hex = (n: number | null): string => (n === null ? '-' : n.toString(16).padStart(4, '0'));

async function list(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  const [serial, hid] = await Promise.all([listSerial(), listHidCandidates()]);
  console.log('Serial ports');
  if (serial.length === 0) console.log('  (none)');
  for (const s of serial) {
    console.log(
      `  ${s.path}  usb ${hex(s.vendorId)}:${hex(s.productId)}  serial ${s.serialNumber ?? '-'}  ${s.manufacturer ?? ''}`,
    );
  }
  console.log('HID devices');
  if (hid.length === 0) console.log('  (none)');
  for (const h of hid) {
    const kind =
      h.usagePage === 0x8c
        ? 'barcode scanner (HID POS)'
        : h.usagePage === 1 && h.usage === 6
          ? 'keyboard'
          : `usage page ${hex(h.usagePage)}`;
    console.log(
      `  ${h.path}  usb ${hex(h.vendorId)}:${hex(h.productId)}  serial ${h.serialNumber ?? '-'}  ${kind}  ${h.product ?? ''}`,
    );
  }
  if (values.config) {
    const manager = new DeviceManager(await loadConfig(values.config), {
      listSerial: async () => serial,
      listHid: async () => hid,
    });
    const found = await manager.discover();
    console.log(`Configured devices (${values.config})`);
    for (const [id, path] of found) console.log(`  ${id}  →  ${path ?? 'not found'}`);
    await manager.stop();
  }
}

async function pty(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { device: { type: 'string' }, host: { type: 'string' } } });
  const pair = await new PtyPair(
    values.device ?? '/tmp/kassa-device',
    values.host ?? '/tmp/kassa-host',
  ).start();
  console.log(
    `pty pair up (socat pid ${pair.pid}): simulator side ${pair.a}, Kassa side ${pair.b}. Ctrl-C to stop.`,
  );
  await untilSignal();
  await pair.dispose();
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function simulateScanner(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      file: { type: 'string' },
      delay: { type: 'string', default: '500' },
      aim: { type: 'string' },
      terminator: { type: 'string', default: 'cr' },
      repeat: { type: 'string', default: '1' },
    },
  });
  if (!values.port) throw new HardwareError('INVALID_CONFIG', '--port is required');
  const codes = [...positionals];
  if (values.file) {
    const text = await readFile(values.file, 'utf8');
    codes.push(
      ...text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
  }
  if (codes.length === 0) throw new HardwareError('INVALID_CONFIG', 'give codes as arguments or with --file');
  const terminator = values.terminator as SimTerminator;
  if (!['cr', 'lf', 'crlf', 'etx', 'tab', 'none'].includes(terminator)) {
    throw new HardwareError('INVALID_CONFIG', `unknown terminator ${terminator}`);
  }
  const sim = await new ScannerSimulator(values.port, {
    terminator,
    ...(values.aim ? { aim: values.aim } : {}),
  }).open();
  const delay = Number(values.delay);
  const repeat = Math.max(1, Number(values.repeat));
  for (let r = 0; r < repeat; r++) {
    for (const code of codes) {
      await sim.scan(code);
      console.log(`scanned ${code}`);
      await sleep(delay);
    }
  }
  await sim.close();
}

async function simulatePrinter(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'paper-low': { type: 'boolean', default: false },
      'paper-out': { type: 'boolean', default: false },
      'cover-open': { type: 'boolean', default: false },
      silent: { type: 'boolean', default: false },
      png: { type: 'string' },
      columns: { type: 'string', default: '42' },
    },
  });
  if (!values.port) throw new HardwareError('INVALID_CONFIG', '--port is required');
  const sim = new PrinterSimulator(values.port);
  const pngDir = values.png;
  if (pngDir) {
    await mkdir(pngDir, { recursive: true });
    let count = 0;
    let receipt: PaperItem[] = [];
    sim.on('paper', (item) => {
      receipt.push(item);
      if (item.type !== 'cut') return;
      const done = receipt;
      receipt = [];
      const file = join(pngDir, `receipt-${String(++count).padStart(3, '0')}.png`);
      void paperToPng(done, Number(values.columns))
        .then((png) => writeFile(file, png))
        .then(() => console.error(`wrote ${file}`));
    });
  }
  sim.status = {
    ...sim.status,
    paperLow: values['paper-low'] ?? false,
    paperOut: values['paper-out'] ?? false,
    coverOpen: values['cover-open'] ?? false,
  };
  sim.answersStatus = !values.silent;
  sim.on('paper', (item) => console.log(paperToText([item])));
  await sim.open();
  console.error(`printer simulator on ${values.port}; Ctrl-C to stop`);
  await untilSignal();
  await sim.close();
}

async function watch(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  if (!values.config) throw new HardwareError('INVALID_CONFIG', '--config is required');
  const manager = new DeviceManager(await loadConfig(values.config));
  const log = (event: string) => (payload: unknown) =>
    console.log(JSON.stringify({ event, ...(payload as object) }));
  manager.on('scan', log('scan'));
  manager.on('health', log('health'));
  manager.on('job', log('job'));
  manager.on('status', log('status'));
  manager.on('drawer', log('drawer'));
  manager.on('weight', log('weight'));
  manager.on('fault', log('fault'));
  await manager.start();
  await untilSignal();
  await manager.stop();
}

export const testReceipt: ReceiptPrintableInput = {
  sections: [
    {
      lines: [
        { type: 'text', text: 'Kassa', align: 'center', bold: true, size: 2 },
        { type: 'text', text: 'Printer test', align: 'center' },
      ],
    },
    {
      lines: [
        {
          type: 'columns',
          bold: true,
          columns: [{ text: 'Item' }, { text: 'Total', width: 9, align: 'right' }],
        },
        { type: 'rule' },
        {
          type: 'columns',
          columns: [
            { text: 'Test item with a long name that wraps' },
            { text: '1.00', width: 9, align: 'right' },
          ],
        },
        { type: 'rule', style: 'double' },
        {
          type: 'columns',
          bold: true,
          columns: [{ text: 'TOTAL' }, { text: '1.00', width: 9, align: 'right' }],
        },
      ],
    },
    {
      lines: [
        { type: 'qr', data: 'https://github.com/kassa' },
        { type: 'barcode', data: 'TEST-0001', symbology: 'code128' },
      ],
    },
  ],
};

async function print(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      printer: { type: 'string' },
      receipt: { type: 'string' },
      kick: { type: 'boolean', default: false },
    },
  });
  if (!values.config || !values.printer)
    throw new HardwareError('INVALID_CONFIG', '--config and --printer are required');
  const manager = new DeviceManager({ ...(await loadConfig(values.config)), discoveryIntervalMs: 0 });
  try {
    await manager.start();
    const printer = manager.printer(values.printer);
    const receipt: unknown = values.receipt
      ? JSON.parse(await readFile(values.receipt, 'utf8'))
      : testReceipt;
    const job = printer.print(receipt);
    const done = await printer.waitForJob(job.id);
    console.log(JSON.stringify(done));
    if (values.kick) console.log(JSON.stringify(await printer.waitForJob(printer.kickDrawer(2).id)));
    if (done.state !== 'printed') process.exitCode = 1;
  } finally {
    await manager.stop();
  }
}

async function demo(): Promise<void> {
  const scanPty = await new PtyPair().start();
  const printPty = await new PtyPair().start();
  const printer = await new PrinterSimulator(printPty.a).open();
  printer.on('paper', (item) => console.log(`  paper | ${paperToText([item])}`));
  const manager = new DeviceManager({
    discoveryIntervalMs: 0,
    devices: [
      { id: 'scanner', kind: 'scanner', transport: 'serial', match: { path: scanPty.b } },
      { id: 'printer', kind: 'printer', transport: 'serial', columns: 32, match: { path: printPty.b } },
    ],
  });
  manager.on('scan', (s) => {
    console.log(`scan   | ${s.data} (${s.symbology})`);
    manager.printer('printer').print({
      sections: [
        {
          lines: [
            { type: 'text', text: 'Scanned', align: 'center', bold: true },
            {
              type: 'columns',
              columns: [{ text: s.symbology }, { text: s.data, width: 20, align: 'right' }],
            },
            { type: 'barcode', data: s.data, symbology: 'code128' },
          ],
        },
      ],
    });
  });
  await manager.start();
  const scanner = await new ScannerSimulator(scanPty.a).open();
  for (const [aim, code] of [
    [']E0', '4006381333931'],
    [']E4', '96385074'],
    [']C0', 'KASSA-DEMO-1'],
  ] as const) {
    await scanner.scan(code, { aim });
    await sleep(400);
  }
  await scanner.close();
  await manager.stop();
  await printer.close();
  await scanPty.dispose();
  await printPty.dispose();
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'list':
      return list(argv.slice(1));
    case 'pty':
      return pty(argv.slice(1));
    case 'simulate':
      if (sub === 'scanner') return simulateScanner(rest);
      if (sub === 'printer') return simulatePrinter(rest);
      if (sub === 'scale') return simulateScale(rest, untilSignal);
      throw new HardwareError('INVALID_CONFIG', 'simulate scanner | simulate printer | simulate scale');
    case 'watch':
      return watch(argv.slice(1));
    case 'print':
      return print(argv.slice(1));
    case 'demo':
      return demo();
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return;
    default:
      throw new HardwareError('INVALID_CONFIG', `unknown command ${command}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const body =
    err instanceof HardwareError
      ? err.toJSON()
      : { error: { code: 'FAILED', message: describeError(err), details: {} } };
  console.error(JSON.stringify(body));
  process.exitCode = 1;
});
