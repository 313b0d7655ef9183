/** Timing, allocation and seeded-random helpers shared by the bench sections. */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

export interface Timing {
  median: number;
  p95: number;
  p99: number;
  perSecond: number;
  runs: number;
}

/** Runs fn repeatedly (after a warm-up) and returns per-run statistics in milliseconds. */
export function measure(
  fn: () => unknown,
  opts: { runs?: number; warmup?: number; maxMs?: number } = {},
): Timing {
  const runs = opts.runs ?? 2000;
  const warmup = opts.warmup ?? Math.min(200, Math.ceil(runs / 10));
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const deadline = performance.now() + (opts.maxMs ?? 20_000);
  for (let i = 0; i < runs && performance.now() < deadline; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return summarise(times);
}

/** Median, p99 and throughput of per-run times in milliseconds. */
export function summarise(samples: number[]): Timing {
  const times = [...samples].sort((a, b) => a - b);
  const total = times.reduce((s, t) => s + t, 0);
  return {
    median: times[Math.floor(times.length / 2)]!,
    p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!,
    p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!,
    perSecond: (times.length / total) * 1000,
    runs: times.length,
  };
}

export interface TimingWithAllocation extends Timing {
  /** Median bytes allocated per call, over the calls during which no collection ran. */
  allocatedBytes: number;
  /** Share of calls during which a collection ran (they are where the tail comes from). */
  gcShare: number;
}

/**
 * Times fn and measures what one call allocates: the V8 heap's used size before and after
 * each call (v8.getHeapStatistics, synchronous, no flags). A collection during the call
 * makes the difference negative (a scavenge frees far more than one call allocates), so
 * those calls are counted as "with GC" and left out of the allocation median; the median of
 * the rest is the call's allocation, which is the same from call to call.
 */
export function measureWithAllocation(
  fn: () => unknown,
  opts: { runs?: number; warmup?: number; maxMs?: number } = {},
): TimingWithAllocation {
  const runs = opts.runs ?? 2000;
  const warmup = opts.warmup ?? Math.min(200, Math.ceil(runs / 10));
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const bytes: number[] = [];
  let withGc = 0;
  const deadline = performance.now() + (opts.maxMs ?? 20_000);
  for (let i = 0; i < runs && performance.now() < deadline; i++) {
    const before = getHeapStatistics().used_heap_size;
    const t0 = performance.now();
    fn();
    const t = performance.now() - t0;
    const delta = getHeapStatistics().used_heap_size - before;
    times.push(t);
    if (delta < 0) withGc++;
    else bytes.push(delta);
  }
  bytes.sort((a, b) => a - b);
  return {
    ...summarise(times),
    allocatedBytes: bytes[Math.floor(bytes.length / 2)] ?? 0,
    gcShare: withGc / times.length,
  };
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

export const ms = (v: number): string => (v < 1 ? `${(v * 1000).toFixed(0)} µs` : `${v.toFixed(2)} ms`);
export const rate = (v: number): string => Math.round(v).toLocaleString('en-US');

/** A small seeded generator (mulberry32), so that every run benches the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Collections seen by a PerformanceObserver: kind (minor = scavenge) and the span they took. */
export interface GcSpan {
  minor: boolean;
  start: number;
  end: number;
}

/** Starts recording collections; `stop()` (after a turn of the event loop) gives them. */
export function recordCollections(): { stop(): Promise<GcSpan[]> } {
  const spans: GcSpan[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      spans.push({ minor: kind === 1, start: e.startTime, end: e.startTime + e.duration });
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      await new Promise((r) => setTimeout(r, 50)); // entries arrive asynchronously
      obs.disconnect();
      return spans;
    },
  };
}

/** Per-call start and end stamps (performance.now), for matching slow calls with collections. */
export function stampRuns(fn: () => unknown, runs: number): { start: Float64Array; end: Float64Array } {
  const start = new Float64Array(runs);
  const end = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    start[i] = performance.now();
    fn();
    end[i] = performance.now();
  }
  return { start, end };
}

/**
 * Of the slowest 1 % of calls, how many overlap a scavenge, and how many scavenges ran
 * over all the calls: whether the tail is the collector's or the engine's own.
 */
export function tailAgainstCollections(
  stamps: { start: Float64Array; end: Float64Array },
  spans: GcSpan[],
): { slowest: number; slowestWithScavenge: number; scavenges: number; markCompacts: number } {
  const n = stamps.start.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => stamps.end[b]! - stamps.start[b]! - (stamps.end[a]! - stamps.start[a]!),
  );
  const slowest = Math.max(1, Math.floor(n / 100));
  const first = stamps.start[0]!;
  const last = stamps.end[n - 1]!;
  const inRun = spans.filter((g) => g.end >= first && g.start <= last);
  let withScavenge = 0;
  for (const i of order.slice(0, slowest)) {
    const s = stamps.start[i]!;
    const e = stamps.end[i]!;
    if (inRun.some((g) => g.minor && g.start <= e && g.end >= s)) withScavenge++;
  }
  return {
    slowest,
    slowestWithScavenge: withScavenge,
    scavenges: inRun.filter((g) => g.minor).length,
    markCompacts: inRun.filter((g) => !g.minor).length,
  };
}
