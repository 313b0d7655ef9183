/**
 * Serial scanner path over a real socat pty pair:
 *   (a) decoded scans per second: framer + AIM parsing + device events, against a same-run
 *       baseline of a bare serialport reader that only counts terminators;
 *   (b) scan-to-event latency (median, p99) from the simulator's write to the `scan` event,
 *       against the bare reader seeing the terminator byte.
 * Prints the figures and appends them to docs/benchmarks.md under a hardware heading.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { SerialScanner } from '../src/scanner/scanner';
import { PtyPair } from '../src/sim/pty';
import { ScannerSimulator, frameScan } from '../src/sim/scanner-sim';

const THROUGHPUT_SCANS = Number(process.env.BENCH_SCANS ?? 20_000);
const LATENCY_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1_000);
const CHUNK = 4_096;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function codeFor(i: number): string {
  return `40063813${String(i % 100_000).padStart(5, '0')}`;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const us = (ms: number): string => (ms >= 1 ? `${ms.toFixed(2)} ms` : `${Math.round(ms * 1000)} µs`);

/** The code under test: the scanner device, as the hub uses it. */
async function withScanner<T>(
  run: (sim: ScannerSimulator, scanner: SerialScanner) => Promise<T>,
): Promise<T> {
  const pty = await new PtyPair().start();
  const sim = await new ScannerSimulator(pty.a, { aim: ']E0' }).open();
  const scanner = new SerialScanner('bench', pty.b, {
    serial: { baudRate: 115200 },
    framing: { terminator: 'cr' },
  });
  await scanner.start();
  try {
    return await run(sim, scanner);
  } finally {
    await scanner.close();
    await sim.close();
    await pty.dispose();
  }
}

/** Baseline: a bare serialport reader counting CR bytes — the cost of the pty and serialport alone. */
async function withRawReader<T>(
  run: (sim: ScannerSimulator, onFrame: (fn: () => void) => void) => Promise<T>,
): Promise<T> {
  const pty = await new PtyPair().start();
  const sim = await new ScannerSimulator(pty.a, { aim: ']E0' }).open();
  const port = new SerialPort({ path: pty.b, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  let listener: () => void = () => undefined;
  port.on('data', (chunk: Buffer) => {
    for (const b of chunk) if (b === 0x0d) listener();
  });
  try {
    return await run(sim, (fn) => (listener = fn));
  } finally {
    await new Promise<void>((resolve) => port.close(() => resolve()));
    await sim.close();
    await pty.dispose();
  }
}

function burst(n: number): Buffer {
  return Buffer.concat(Array.from({ length: n }, (_, i) => frameScan(codeFor(i), { aim: ']E0' })));
}

async function pushBurst(sim: ScannerSimulator, bytes: Buffer): Promise<void> {
  for (let o = 0; o < bytes.length; o += CHUNK) await sim.write(bytes.subarray(o, o + CHUNK));
}

async function throughputDecoded(n: number): Promise<number> {
  return withScanner(async (sim, scanner) => {
    let seen = 0;
    let mismatches = 0;
    const done = new Promise<void>((resolve) =>
      scanner.on('scan', (s) => {
        if (s.data !== codeFor(seen) || s.symbology !== 'ean13') mismatches++;
        if (++seen === n) resolve();
      }),
    );
    const bytes = burst(n);
    const t0 = performance.now();
    await pushBurst(sim, bytes);
    await done;
    const elapsed = performance.now() - t0;
    if (mismatches > 0) throw new Error(`${mismatches} scans decoded wrongly`);
    return (n / elapsed) * 1000;
  });
}

async function throughputRaw(n: number): Promise<number> {
  return withRawReader(async (sim, onFrame) => {
    let seen = 0;
    const done = new Promise<void>((resolve) => onFrame(() => ++seen === n && resolve()));
    const bytes = burst(n);
    const t0 = performance.now();
    await pushBurst(sim, bytes);
    await done;
    return (n / (performance.now() - t0)) * 1000;
  });
}

async function latencyDecoded(samples: number): Promise<number[]> {
  return withScanner(async (sim, scanner) => {
    const out: number[] = [];
    for (let i = 0; i < samples + 50; i++) {
      const got = new Promise<void>((resolve) => scanner.once('scan', () => resolve()));
      const t0 = performance.now();
      await sim.scan(codeFor(i));
      await got;
      if (i >= 50) out.push(performance.now() - t0); // first 50: warm-up
    }
    return out.sort((a, b) => a - b);
  });
}

async function latencyRaw(samples: number): Promise<number[]> {
  return withRawReader(async (sim, onFrame) => {
    const out: number[] = [];
    for (let i = 0; i < samples + 50; i++) {
      const got = new Promise<void>((resolve) => onFrame(resolve));
      const t0 = performance.now();
      await sim.scan(codeFor(i));
      await got;
      if (i >= 50) out.push(performance.now() - t0);
    }
    return out.sort((a, b) => a - b);
  });
}

async function main(): Promise<void> {
  // Throughput over a pty is noisy (kernel buffering, socat scheduling): interleave rounds and
  // report the median of each so one lucky or unlucky round does not make the ratio.
  const rawRounds: number[] = [];
  const decodedRounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    rawRounds.push(await throughputRaw(THROUGHPUT_SCANS));
    decodedRounds.push(await throughputDecoded(THROUGHPUT_SCANS));
  }
  const raw = quantile(
    [...rawRounds].sort((a, b) => a - b),
    0.5,
  );
  const decoded = quantile(
    [...decodedRounds].sort((a, b) => a - b),
    0.5,
  );
  const latRaw = await latencyRaw(LATENCY_SAMPLES);
  const lat = await latencyDecoded(LATENCY_SAMPLES);

  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const rows = [
    `| decoded scans/s (${THROUGHPUT_SCANS.toLocaleString('en')} EAN-13 with \`]E0\`, CR framing; median of ${ROUNDS} rounds) | ${Math.round(decoded).toLocaleString('en')} | ${Math.round(raw).toLocaleString('en')} | ${(decoded / raw).toFixed(2)}× |`,
    `| scan-to-event latency, median (${LATENCY_SAMPLES} scans, one at a time) | ${us(quantile(lat, 0.5))} | ${us(quantile(latRaw, 0.5))} | ${(quantile(lat, 0.5) / quantile(latRaw, 0.5)).toFixed(2)}× |`,
    `| scan-to-event latency, p99 | ${us(quantile(lat, 0.99))} | ${us(quantile(latRaw, 0.99))} | ${(quantile(lat, 0.99) / quantile(latRaw, 0.99)).toFixed(2)}× |`,
  ];
  const section = [
    '',
    `## hardware — ${date} UTC`,
    '',
    `Machine: ${machine}.`,
    '',
    'Serial scanner path over a socat pty pair (simulator → pty → serialport → framer/AIM → `scan` event).',
    'Baseline, same run: a bare serialport reader on the same kind of pty that only counts CR bytes.',
    '',
    '| measure | Kassa scanner | baseline: bare reader | ratio |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  console.log(section);
  if (process.env.BENCH_NO_RECORD) return;
  const here = dirname(fileURLToPath(import.meta.url));
  const file = join(here, '..', '..', 'docs', 'benchmarks.md');
  if (!existsSync(file)) appendFileSync(file, '# Benchmarks\n');
  appendFileSync(file, section);
  console.log(`appended to ${file}`);
}

await main();
