/**
 * Lane scale round trip over a real socat pty pair: `SerialScale.weighNow()` (SI → `S S …`,
 * framing, parsing, grams, the one-command-at-a-time queue) against a same-run baseline of
 * bare serialport ping-pong (write `SI\r\n`, a bare responder answers a fixed line, the reader
 * waits for LF) — the cost of the pty and serialport alone. Rounds alternate driver / baseline
 * so machine load hits both alike. Prints median and p99 per round trip and the load average.
 *   npx tsx hardware/bench/scale.bench.ts        (BENCH_SAMPLES=2000 BENCH_ROUNDS=5 to change)
 */
import { loadavg } from 'node:os';
import { SerialPort } from 'serialport';
import { SerialScale } from '../src/scale/scale';
import { PtyPair } from '../src/sim/pty';
import { ScaleSimulator } from '../src/sim/scale-sim';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = 100;

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const ms = (x: number): string => `${x.toFixed(3)} ms`;

async function open(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false, lock: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

async function driverRound(): Promise<number[]> {
  const pty = await new PtyPair().start();
  const sim = await new ScaleSimulator(pty.a, { grams: 456 }).open();
  const scale = new SerialScale('bench', pty.b, { pollIntervalMs: 0 });
  await scale.start();
  try {
    const out: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const t0 = performance.now();
      const r = await scale.weighNow();
      const dt = performance.now() - t0;
      if (r.grams !== 456) throw new Error(`read ${r.grams} g`);
      if (i >= WARMUP) out.push(dt);
    }
    return out;
  } finally {
    await scale.close();
    await sim.close();
    await pty.dispose();
  }
}

async function baselineRound(): Promise<number[]> {
  const pty = await new PtyPair().start();
  const device = await open(pty.a);
  const host = await open(pty.b);
  const answer = Buffer.from('S S      0.456 kg\r\n');
  device.on('data', (chunk: Buffer) => {
    for (const b of chunk) if (b === 0x0a) device.write(answer);
  });
  let waiting: (() => void) | null = null;
  host.on('data', (chunk: Buffer) => {
    if (chunk.includes(0x0a) && waiting) {
      const w = waiting;
      waiting = null;
      w();
    }
  });
  try {
    const out: number[] = [];
    const ask = Buffer.from('SI\r\n');
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        waiting = resolve;
        host.write(ask);
      });
      if (i >= WARMUP) out.push(performance.now() - t0);
    }
    return out;
  } finally {
    await new Promise<void>((r) => host.close(() => r()));
    await new Promise<void>((r) => device.close(() => r()));
    await pty.dispose();
  }
}

async function main(): Promise<void> {
  const driver: number[] = [];
  const raw: number[] = [];
  const load0 = loadavg();
  for (let r = 0; r < ROUNDS; r++) {
    raw.push(...(await baselineRound()));
    driver.push(...(await driverRound()));
  }
  const load1 = loadavg();
  driver.sort((a, b) => a - b);
  raw.sort((a, b) => a - b);
  const fmt = (xs: number[]) => `p50 ${ms(quantile(xs, 0.5))}, p99 ${ms(quantile(xs, 0.99))}`;
  console.log(`scale round trip over a socat pty, ${ROUNDS} rounds × ${SAMPLES} (after ${WARMUP} warm-up)`);
  console.log(`  SerialScale.weighNow()        ${fmt(driver)}`);
  console.log(`  bare serialport ping-pong     ${fmt(raw)}`);
  console.log(
    `  driver − baseline at p50      ${ms(quantile(driver, 0.5) - quantile(raw, 0.5))}  ` +
      `(load average ${load0.map((x) => x.toFixed(2)).join(' ')} → ${load1.map((x) => x.toFixed(2)).join(' ')})`,
  );
}

void main();
