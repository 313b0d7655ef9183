/**
 * The hub's one transaction helper. `run` opens a BEGIN IMMEDIATE transaction (or a savepoint
 * when already inside one) and `afterCommit` queues work — socket emits, printing, timers —
 * that must only happen once the OUTERMOST transaction has committed: a receipt never prints
 * and a kiosk never hears of a basket change whose commit then failed. A rolled-back savepoint
 * drops the effects it queued; a failed outer transaction drops them all.
 */
import type { Db } from './database';

type Effect = () => void;

export class Tx {
  private depth = 0;
  private queue: Effect[] = [];
  private beforeCommitQueue: Effect[] = [];
  private undo: Effect[] = [];

  constructor(
    readonly db: Db,
    private readonly onEffectError: (err: unknown) => void = () => {},
  ) {}

  get active(): boolean {
    return this.depth > 0;
  }

  /**
   * `relaxed` (outermost transaction only): commit at synchronous=NORMAL — in WAL mode that
   * survives a crash of the process, and only a power cut or OS crash can lose it, and then
   * only back to the previous synchronous=FULL commit (which syncs every commit before it, in
   * order). For state a kiosk can rebuild by scanning again (basket edits, see README
   * "Durability"); orders, tenders, completion and the outbox never pass it. Nested calls keep
   * the outer transaction's setting (SQLite cannot change it inside a transaction).
   */
  run<T>(fn: () => T, opts: { relaxed?: boolean } = {}): T {
    if (this.depth > 0 || this.db.inTransaction) {
      const mark = this.queue.length;
      const undoMark = this.undo.length;
      this.depth++;
      try {
        return this.db.transaction(fn)();
      } catch (err) {
        this.queue.length = mark;
        this.rollBack(undoMark);
        throw err;
      } finally {
        this.depth--;
      }
    }
    // Not a statement prepared once: SQLite applies `PRAGMA synchronous` when the statement is
    // prepared, so re-running a prepared one changes nothing (test/perf-tx.test.ts).
    if (opts.relaxed) this.db.pragma('synchronous = NORMAL');
    this.depth++;
    let out: T;
    try {
      out = this.db
        .transaction(() => {
          const r = fn();
          const hooks = this.beforeCommitQueue;
          this.beforeCommitQueue = [];
          for (const h of hooks) h();
          return r;
        })
        .immediate();
    } catch (err) {
      this.queue = [];
      this.beforeCommitQueue = [];
      this.rollBack(0);
      throw err;
    } finally {
      this.depth--;
      if (opts.relaxed) this.db.pragma('synchronous = FULL');
    }
    this.undo = [];
    this.flush();
    return out;
  }

  /**
   * Registers `fn` to run if the current transaction (or savepoint) rolls back — for in-memory
   * caches written during the transaction. No-op outside a transaction.
   */
  onRollback(fn: Effect): void {
    if (this.depth > 0) this.undo.push(fn);
  }

  private rollBack(mark: number): void {
    const fns = this.undo.splice(mark);
    for (let i = fns.length - 1; i >= 0; i--) this.safely(fns[i]!);
  }

  /** Runs `fn` after the outermost commit; immediately when no transaction is open. */
  afterCommit(fn: Effect): void {
    if (this.depth > 0) this.queue.push(fn);
    else this.safely(fn);
  }

  /**
   * Fault injection for crash tests: with KASSA_FAULT=kill-before-commit:<label>, the process
   * kills itself (SIGKILL) at the end of the outermost transaction that passed `label`, after
   * all its work and before COMMIT — the worst moment for effects that ran too early.
   */
  faultPoint(label: string): void {
    if (process.env.KASSA_FAULT !== `kill-before-commit:${label}` || this.depth === 0) return;
    this.beforeCommitQueue.push(() => process.kill(process.pid, 'SIGKILL'));
  }

  private flush(): void {
    const q = this.queue;
    this.queue = [];
    for (const fn of q) this.safely(fn);
  }

  private safely(fn: Effect): void {
    try {
      fn();
    } catch (err) {
      this.onEffectError(err);
    }
  }
}
