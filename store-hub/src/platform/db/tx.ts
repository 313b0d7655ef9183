/**
 * The hub's one transaction helper. `run` opens a BEGIN IMMEDIATE transaction (or a savepoint
 * when already inside one) and `afterCommit` queues work — socket emits, printing, timers —
 * that must only happen once the OUTERMOST transaction has committed: a receipt never prints
 * and a kiosk never hears of a basket change whose commit then failed. A rolled-back savepoint
 * drops the effects it queued; a failed outer transaction drops them all.
 *
 * `group` is the group commit (issue 8 §3): work handed to it in one event-loop turn — the
 * write requests that arrived together — runs at the end of that turn in ONE transaction, each
 * piece in its own savepoint, and commits once; each caller hears of its outcome (and its
 * after-commit effects run) only after that commit. The pieces are run at setImmediate, not as
 * they arrive, so the transaction is open only inside one synchronous stretch: no timer, socket
 * callback or awaiting handler can ever see (or write into) a transaction that is still open.
 */
import type { Db } from './database';
import { HubError } from '../errors';

type Effect = () => void;

interface Member {
  fn: () => unknown;
  relaxed: boolean;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

const commitFailed = (cause: unknown): HubError => {
  const e = new HubError(
    'COMMIT_FAILED',
    'the hub could not save this change (its database refused the commit); nothing of it was kept — try again',
    { reason: (cause as { code?: unknown }).code ?? String(cause) },
  );
  (e as { cause?: unknown }).cause = cause;
  return e;
};

export class Tx {
  private depth = 0;
  private queue: Effect[] = [];
  private beforeCommitQueue: Effect[] = [];
  private undo: Effect[] = [];
  private pending: Member[] = [];
  private scheduled = false;
  /** Committed groups and their sizes since start (the bench and tests read these). */
  readonly groupStats = { commits: 0, members: 0, largest: 0 };

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
          this.runBeforeCommit();
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
   * Group commit: runs `fn` at the end of this event-loop turn, in one transaction with every
   * other `group` call of the turn, each in its own savepoint. Resolves with `fn`'s result (or
   * rejects with its error) only after that transaction committed and the after-commit effects
   * queued so far ran; a failed COMMIT rejects every member with COMMIT_FAILED (503) and runs
   * every member's onRollback undo. A member that throws rolls back its own savepoint only.
   *
   * Durability: `relaxed` members commit at NORMAL, the rest at FULL. SQLite cannot change
   * `synchronous` inside a transaction, so the turn's members are taken in arrival order and a
   * member whose need differs from the open group's commits that group first and opens a new
   * one. That is safe because members of one turn are concurrent requests — no client has seen
   * any of their answers yet — so committing some of them earlier than others promises nobody
   * anything they were not promised anyway, and no member ever commits at a weaker level than
   * it asked for.
   *
   * Inside an open transaction (a service calling it from `run`) it is a savepoint of that
   * transaction instead, settled with it.
   */
  group<T>(fn: () => T, opts: { relaxed?: boolean } = {}): Promise<T> {
    if (this.depth > 0 || this.db.inTransaction) {
      return new Promise<T>((resolve, reject) => {
        let value: T;
        try {
          value = this.run(fn);
        } catch (err) {
          reject(err);
          return;
        }
        this.onRollback(() => reject(commitFailed(new Error('the enclosing transaction rolled back'))));
        this.afterCommit(() => resolve(value));
      });
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        fn,
        relaxed: opts.relaxed === true,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.commitPending());
      }
    });
  }

  private commitPending(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    let from = 0;
    while (from < all.length) {
      const relaxed = all[from]!.relaxed;
      let to = from + 1;
      while (to < all.length && all[to]!.relaxed === relaxed) to++;
      this.commitGroup(all.slice(from, to), relaxed);
      from = to;
    }
  }

  /** One transaction for `members` (all of one durability), committed once. */
  private commitGroup(members: Member[], relaxed: boolean): void {
    if (members.length === 0) return;
    if (this.db.inTransaction) {
      // Someone left a transaction open outside this helper; joining it would commit our
      // members on their schedule, not ours. Refuse rather than promise durability we lack.
      const err = commitFailed(new Error('a transaction is already open on the connection'));
      for (const m of members) m.reject(err);
      return;
    }
    const outcomes: Outcome[] = [];
    let rest: Member[] = [];
    let failed: unknown = null;
    if (relaxed) this.db.pragma('synchronous = NORMAL');
    try {
      try {
        this.db.exec('BEGIN IMMEDIATE');
      } catch (err) {
        // Nobody ran: all of them fail below (SQLITE_BUSY past busy_timeout, I/O error…).
        failed = err;
        rest = members;
      }
      if (rest.length === 0) {
        this.depth = 1;
        try {
          for (let i = 0; i < members.length; i++) {
            const m = members[i]!;
            const mark = this.queue.length;
            const undoMark = this.undo.length;
            try {
              outcomes.push({ ok: true, value: this.db.transaction(m.fn)() });
            } catch (err) {
              this.queue.length = mark;
              this.rollBack(undoMark);
              outcomes.push({ ok: false, err });
              if (!this.db.inTransaction) {
                // SQLite rolled the whole transaction back on this error (SQLITE_FULL, IOERR,
                // NOMEM…): the members before it are gone too. The ones after it have not
                // run; they get a transaction of their own.
                failed = err;
                rest = members.slice(i + 1);
                break;
              }
            }
          }
          if (failed === null) {
            this.runBeforeCommit();
            const fault = /^kill-before-group-commit:(\d+)$/.exec(process.env.KASSA_FAULT ?? '');
            if (fault && members.length >= Number(fault[1])) process.kill(process.pid, 'SIGKILL');
            this.db.exec('COMMIT');
          }
        } catch (err) {
          failed = err;
        } finally {
          this.depth = 0;
        }
      }
      if (failed !== null && this.db.inTransaction) {
        try {
          // A COMMIT refused by a deferred constraint leaves the transaction open.
          this.db.exec('ROLLBACK');
        } catch {
          // already rolled back by SQLite
        }
      }
    } finally {
      if (relaxed) this.db.pragma('synchronous = FULL');
    }
    if (failed !== null) {
      this.queue = [];
      this.beforeCommitQueue = [];
      this.rollBack(0);
      // Every member that ran loses its work, its own refusal included: a 4xx it answered may
      // rest on another member's lost change, and an idempotent one's recorded answer is gone,
      // so its retry must run again. One clean 503 for all of them.
      const err = commitFailed(failed);
      if (outcomes.length === 0) {
        for (const m of members) m.reject(err);
        return;
      }
      for (const m of members.slice(0, outcomes.length)) m.reject(err);
      if (rest.length > 0) this.commitGroup(rest, relaxed);
      return;
    }
    this.undo = [];
    this.groupStats.commits++;
    this.groupStats.members += members.length;
    this.groupStats.largest = Math.max(this.groupStats.largest, members.length);
    this.flush();
    members.forEach((m, i) => {
      const o = outcomes[i]!;
      if (o.ok) m.resolve(o.value);
      else m.reject(o.err);
    });
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
   * KASSA_FAULT=kill-before-group-commit:<n> does the same to the first group of at least `n`
   * members, once every member has run (test/group-commit-crash.test.ts).
   */
  faultPoint(label: string): void {
    if (process.env.KASSA_FAULT !== `kill-before-commit:${label}` || this.depth === 0) return;
    this.beforeCommitQueue.push(() => process.kill(process.pid, 'SIGKILL'));
  }

  private runBeforeCommit(): void {
    const hooks = this.beforeCommitQueue;
    this.beforeCommitQueue = [];
    for (const h of hooks) h();
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
