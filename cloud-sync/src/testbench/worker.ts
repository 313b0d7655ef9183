/**
 * The test bench worker (worker_threads): builds the live and draft StoreData once per store,
 * replays every basket, reports progress every PROGRESS_EVERY baskets and the report at the end.
 * Cancelling is terminating the worker, so a long run never blocks the HQ process's event loop.
 */
import { parentPort } from 'node:worker_threads';
import type { StoreData } from '@kassa/promo-core';
import type { PastBasket } from './replay';
import { ReplayAccumulator, replayOne } from './replay';
import type { StoreDocs } from './store-data';
import { buildStoreData } from './store-data';

export interface BenchJob {
  stores: StoreDocs[];
  draft_promotions: unknown[];
  baskets: PastBasket[];
}

export type WorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; report: ReturnType<ReplayAccumulator['report']> }
  | { type: 'error'; message: string };

export const PROGRESS_EVERY = 100;

export function runJob(job: BenchJob, progress: (done: number, total: number) => void): ReplayAccumulator {
  const sets = new Map<string, { live: StoreData; draft: StoreData }>();
  for (const s of job.stores)
    sets.set(s.store_id, { live: buildStoreData(s), draft: buildStoreData(s, job.draft_promotions) });
  const acc = new ReplayAccumulator();
  const total = job.baskets.length;
  job.baskets.forEach((b, i) => {
    const set = sets.get(b.store_id);
    if (!set) acc.skipped.push({ order_id: b.order_id, reason: 'HQ has no pricing data for this store' });
    else replayOne(acc, b, set.live, set.draft);
    if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === total) progress(i + 1, total);
  });
  return acc;
}

parentPort?.once('message', (job: BenchJob) => {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  try {
    const acc = runJob(job, (done, total) => post({ type: 'progress', done, total }));
    post({ type: 'done', report: acc.report() });
  } catch (err) {
    post({ type: 'error', message: String((err as Error).message ?? err) });
  }
});
