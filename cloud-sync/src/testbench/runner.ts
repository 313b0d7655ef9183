/**
 * Test bench runs: validated parameters in, a row in testbench_runs, the replay in a worker
 * thread (off the request path), progress kept in memory and in the row, cancel at any time.
 * One run at a time per HQ process (the machine prices, it does not queue a backlog); a second
 * start while one runs answers 409.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { validatePromotions } from '@kassa/promo-core';
import { z } from 'zod';
import { ApiError } from '../access/http';
import type { DashDb } from '../access/schema';
import type { PastBasket } from './replay';
import type { StoreDocs } from './store-data';
import { loadStoreDocs } from './store-data';
import type { BenchJob, WorkerMessage } from './worker';

export const MAX_BASKETS = 50_000;

export const benchParamsSchema = z
  .object({
    store_ids: z.array(z.string().min(1).max(64)).min(1).max(100),
    from: z.iso.date(),
    to: z.iso.date(),
    draft: z.object({
      source: z.enum(['edited_live', 'upload']),
      promotions: z.array(z.unknown()).max(20_000),
    }),
    max_baskets: z.number().int().min(1).max(MAX_BASKETS).default(10_000),
  })
  .refine((p) => p.from <= p.to, {
    message: 'the start date must not be after the end date',
    path: ['from'],
  });
export type BenchParams = z.output<typeof benchParamsSchema>;

export interface RunState {
  run_id: string;
  status: 'queued' | 'running' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
}

const WORKER_BOOT = new URL('./boot.mjs', import.meta.url);
const WORKER_ENTRY = new URL('./worker.ts', import.meta.url).href;

export async function loadPastBaskets(db: DashDb, p: BenchParams): Promise<PastBasket[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['order_id', 'store_id', 'business_date', sql<unknown>`snapshot->'audit'->'basket'`.as('basket')])
    .where('store_id', 'in', p.store_ids)
    .where('business_date', '>=', p.from)
    .where('business_date', '<=', p.to)
    .orderBy('completed_at')
    .orderBy('order_id')
    .limit(p.max_baskets)
    .execute();
  return rows.filter((r) => r.basket !== null && r.basket !== undefined) as PastBasket[];
}

export class TestbenchRunner {
  private readonly live = new Map<string, { state: RunState; worker: Worker | null }>();

  constructor(private readonly db: DashDb) {}

  /** Checks the draft with promo-core: every problem, by path, or nothing. */
  static validateDraft(promotions: unknown[]): void {
    const v = validatePromotions(promotions);
    if (!v.ok)
      throw new ApiError(
        400,
        'DRAFT_INVALID',
        `The draft promotion set has ${v.issues.length} problem(s); fix them and try again.`,
        {
          issues: v.issues.slice(0, 100),
        },
      );
  }

  async start(input: unknown, by: string): Promise<RunState> {
    const p = benchParamsSchema.parse(input);
    TestbenchRunner.validateDraft(p.draft.promotions);
    if ([...this.live.values()].some((r) => r.state.status === 'running' || r.state.status === 'queued'))
      throw new ApiError(
        409,
        'BENCH_BUSY',
        'A test bench run is already in progress; wait for it or cancel it.',
      );
    const run_id = randomUUID();
    const state: RunState = { run_id, status: 'queued', done: 0, total: 0 };
    this.live.set(run_id, { state, worker: null });
    await this.db
      .insertInto('testbench_runs')
      .values({
        run_id,
        created_by: by,
        status: 'queued',
        params: JSON.stringify({ ...p, draft: { source: p.draft.source, count: p.draft.promotions.length } }),
      })
      .execute();
    void this.execute(run_id, p).catch((err) =>
      this.finish(run_id, 'failed', null, String((err as Error).message ?? err)),
    );
    return { ...state };
  }

  private async execute(run_id: string, p: BenchParams): Promise<void> {
    const entry = this.live.get(run_id)!;
    const stores: StoreDocs[] = [];
    for (const id of p.store_ids) {
      const d = await loadStoreDocs(this.db, id);
      if (d) stores.push(d);
    }
    const baskets = await loadPastBaskets(this.db, p);
    if (entry.state.status === 'cancelled') return;
    entry.state.status = 'running';
    entry.state.total = baskets.length;
    await this.db
      .updateTable('testbench_runs')
      .set({ status: 'running', progress_total: baskets.length })
      .where('run_id', '=', run_id)
      .execute();
    const job: BenchJob = { stores, draft_promotions: p.draft.promotions, baskets };
    const worker = new Worker(WORKER_BOOT, { workerData: { entry: WORKER_ENTRY } });
    entry.worker = worker;
    let lastWrite = 0;
    await new Promise<void>((resolve) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') {
          entry.state.done = m.done;
          // The row follows at most twice a second; the live state answers polls in between.
          if (Date.now() - lastWrite > 500) {
            lastWrite = Date.now();
            void this.db
              .updateTable('testbench_runs')
              .set({ progress_done: m.done })
              .where('run_id', '=', run_id)
              .execute()
              .catch(() => undefined);
          }
        } else if (m.type === 'done') {
          entry.state.done = entry.state.total;
          void this.finish(run_id, 'done', m.report, null).finally(resolve);
          void worker.terminate();
        } else {
          void this.finish(run_id, 'failed', null, m.message).finally(resolve);
          void worker.terminate();
        }
      });
      worker.on('error', (err) => void this.finish(run_id, 'failed', null, err.message).finally(resolve));
      worker.on('exit', () => {
        if (entry.state.status === 'cancelled')
          void this.finish(run_id, 'cancelled', null, null).finally(resolve);
        else resolve();
      });
      worker.postMessage(job);
    });
  }

  private async finish(
    run_id: string,
    status: RunState['status'],
    result: unknown,
    error: string | null,
  ): Promise<void> {
    const entry = this.live.get(run_id);
    if (entry) {
      if (entry.state.status === 'done' || entry.state.status === 'failed') return;
      if (entry.state.status === 'cancelled' && status !== 'cancelled') return;
      entry.state.status = status;
      entry.worker = null;
    }
    await this.db
      .updateTable('testbench_runs')
      .set({
        status,
        progress_done: entry?.state.done ?? 0,
        result: result === null ? null : JSON.stringify(result),
        error: error === null ? null : JSON.stringify({ message: error }),
        finished_at: new Date().toISOString(),
      })
      .where('run_id', '=', run_id)
      .execute();
  }

  async cancel(run_id: string): Promise<void> {
    const entry = this.live.get(run_id);
    if (!entry || (entry.state.status !== 'running' && entry.state.status !== 'queued'))
      throw new ApiError(409, 'NOT_RUNNING', 'That run is not in progress.');
    entry.state.status = 'cancelled';
    if (entry.worker) await entry.worker.terminate();
    else await this.finish(run_id, 'cancelled', null, null);
  }

  async get(run_id: string) {
    const row = await this.db
      .selectFrom('testbench_runs')
      .selectAll()
      .where('run_id', '=', run_id)
      .executeTakeFirst();
    if (!row) throw new ApiError(404, 'RUN_NOT_FOUND', 'There is no such test bench run.');
    const mem = this.live.get(run_id)?.state;
    return {
      run_id: row.run_id,
      created_by: row.created_by,
      created_at: new Date(row.created_at).toISOString(),
      status: mem?.status ?? row.status,
      done: mem?.done ?? row.progress_done,
      total: mem?.total ?? row.progress_total,
      params: row.params,
      result: row.result ?? null,
      error: row.error ?? null,
    };
  }

  async list(limit = 20) {
    const rows = await this.db
      .selectFrom('testbench_runs')
      .select(['run_id', 'created_by', 'created_at', 'status', 'progress_done', 'progress_total', 'params'])
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      ...r,
      created_at: new Date(r.created_at).toISOString(),
      status: this.live.get(r.run_id)?.state.status ?? r.status,
    }));
  }

  /** Waits for the run to leave queued/running (tests, the bench script). */
  async settled(run_id: string, pollMs = 50): Promise<void> {
    for (;;) {
      const s = this.live.get(run_id)?.state.status;
      const row = await this.db
        .selectFrom('testbench_runs')
        .select('status')
        .where('run_id', '=', run_id)
        .executeTakeFirst();
      if (s !== 'running' && s !== 'queued' && row && row.status !== 'running' && row.status !== 'queued')
        return;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async stop(): Promise<void> {
    for (const [id, e] of this.live) if (e.worker) await this.cancel(id).catch(() => undefined);
  }
}
