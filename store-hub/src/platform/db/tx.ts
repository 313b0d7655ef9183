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

  constructor(
    readonly db: Db,
    private readonly onEffectError: (err: unknown) => void = () => {},
  ) {}

  get active(): boolean {
    return this.depth > 0;
  }

  run<T>(fn: () => T): T {
    if (this.depth > 0 || this.db.inTransaction) {
      const mark = this.queue.length;
      this.depth++;
      try {
        return this.db.transaction(fn)();
      } catch (err) {
        this.queue.length = mark;
        throw err;
      } finally {
        this.depth--;
      }
    }
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
      throw err;
    } finally {
      this.depth--;
    }
    this.flush();
    return out;
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
