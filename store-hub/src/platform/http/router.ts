/**
 * Binds endpoint contracts to handlers: guard by `auth`, Idempotency-Key by `idempotency`,
 * zod validation of params, query and body, and (in tests) validation of every answer
 * against the contract's response schema, so the OpenAPI document cannot drift from the code.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import type { Tx } from '../db/tx';
import { HubError } from '../errors';
import type { Endpoint } from './contract';
import type { Guards } from './guards';
import type { Answer, AnswerReferrer, Idempotency } from './idempotency';
import { requestHash } from './idempotency';
import { parse } from './validate';

type Out<T> = NonNullable<T> extends z.ZodType ? z.output<NonNullable<T>> : undefined;

const REPLY = Symbol('reply');
export interface Reply<T> {
  [REPLY]: true;
  status: number;
  data: T;
}
/** An answer with a status other than the endpoint's usual one. */
export const reply = <T>(status: number, data: T): Reply<T> => ({ [REPLY]: true, status, data });
const isReply = (v: unknown): v is Reply<unknown> => typeof v === 'object' && v !== null && REPLY in v;

export interface Ctx<E extends Endpoint, D, S> {
  params: Out<E['params']>;
  query: Out<E['query']>;
  body: Out<E['body']>;
  /** The paired client (auth: 'device'). */
  device: D;
  /** The staff user (auth: 'staff'). */
  staff: S;
  idempotencyKey: string | null;
  req: Request;
}

type Result<E extends Endpoint> = z.input<E['response']> | Reply<z.input<E['response']>>;

export interface RouterDeps<D, S> {
  guards: Guards<D, S>;
  idempotency: Idempotency;
  /** Synchronous write handlers of one event-loop turn commit together (Tx.group). */
  tx: Tx;
  scopeOf: { device: (d: D) => string; staff: (s: S) => string };
  /** Check every answer against its response schema (tests turn this on). */
  validateResponses: boolean;
}

export class Router<D, S> {
  readonly bound: Endpoint[] = [];

  constructor(
    private readonly app: Express,
    private readonly deps: RouterDeps<D, S>,
  ) {}

  /** Stores answers `r` recognises by reference in the idempotency table (see AnswerReferrer). */
  referAnswers(r: AnswerReferrer): void {
    this.deps.idempotency.addReferrer(r);
  }

  /** A synchronous handler: its effect and its stored idempotent answer commit together. */
  sync<E extends Endpoint>(e: E, handler: (ctx: Ctx<E, D, S>) => Result<E>): void {
    this.bind(e, handler, false);
  }

  /** A handler that awaits something outside the database (terminal, argon2, import). */
  async<E extends Endpoint>(e: E, handler: (ctx: Ctx<E, D, S>) => Promise<Result<E>>): void {
    this.bind(e, handler, true);
  }

  private bind<E extends Endpoint>(
    e: E,
    handler: (ctx: Ctx<E, D, S>) => Result<E> | Promise<Result<E>>,
    isAsync: boolean,
  ): void {
    this.bound.push(e);
    const { guards, idempotency, scopeOf, tx } = this.deps;
    const toAnswer = (r: Result<E>): Answer => {
      const [status, data] = isReply(r) ? [r.status, r.data] : [e.status[0] ?? 200, r];
      if (this.deps.validateResponses && status < 400) {
        const v = e.response.safeParse(data);
        if (!v.success)
          throw new Error(
            `answer of ${e.id} does not match its schema: ${v.error.issues
              .slice(0, 5)
              .map((i) => `${i.path.join('.')}: ${i.message}`)
              .join('; ')}`,
          );
      }
      return { status, body: { data } };
    };
    this.app[e.method](e.path, (req: Request, res: Response, next: NextFunction) => {
      const go = async (): Promise<void> => {
        const started = performance.now();
        let device: D | undefined;
        let staff: S | undefined;
        if (e.auth === 'device') device = guards.device(req);
        if (e.auth === 'staff') staff = guards.staff(req);
        const rawKey = req.header('idempotency-key');
        const key = rawKey === undefined ? null : rawKey.trim();
        if (
          (key !== null && (key.length === 0 || key.length > 200)) ||
          (key === null && e.idempotency === 'required')
        )
          throw new HubError(
            'IDEMPOTENCY_KEY_REQUIRED',
            'mutating requests need an Idempotency-Key header (1–200 characters)',
          );
        const ctx = (): Ctx<E, D, S> => ({
          params: (e.params ? parse(e.params, req.params, 'path') : undefined) as Out<E['params']>,
          query: (e.query ? parse(e.query, req.query, 'query') : undefined) as Out<E['query']>,
          body: (e.body ? parse(e.body, req.body, 'body') : undefined) as Out<E['body']>,
          get device(): D {
            if (device === undefined) throw new Error(`${e.id} has no device guard`);
            return device;
          },
          get staff(): S {
            if (staff === undefined) throw new Error(`${e.id} has no staff guard`);
            return staff;
          },
          idempotencyKey: key,
          req,
        });
        const scope =
          device !== undefined ? scopeOf.device(device) : staff !== undefined ? scopeOf.staff(staff) : null;
        const useKey = e.idempotency !== 'none' && key !== null && scope !== null;
        let answer: Answer;
        if (isAsync) {
          const run = async (): Promise<Answer> => toAnswer(await handler(ctx()));
          answer = useKey
            ? await idempotency.runAsync(scope, key, requestHash(req.method, req.path, req.body), run)
            : await run();
        } else {
          const run = (): Answer => {
            const r = handler(ctx());
            if (r instanceof Promise) throw new Error(`${e.id} is bound as sync but returned a promise`);
            return toAnswer(r as Result<E>);
          };
          const work = (): Answer =>
            useKey
              ? idempotency.runSync(scope, key, requestHash(req.method, req.path, req.body), run)
              : run();
          // Writes join the turn's group commit and are answered once it committed (a failed
          // commit answers 503 COMMIT_FAILED). Reads run at once: no transaction is ever open
          // between turns (Tx.group), so they see committed state only.
          answer =
            e.method === 'get' ? work() : await tx.group(work, { relaxed: e.durability === 'relaxed' });
        }
        // Hub-side time (guards, validation, transaction, idempotency record, serialisation) for
        // the store-load bench and for anyone profiling a live hub from the browser.
        const json = JSON.stringify(answer.body);
        res.setHeader('Server-Timing', `app;dur=${(performance.now() - started).toFixed(2)}`);
        res.status(answer.status).type('application/json').send(json);
      };
      go().catch(next);
    });
  }
}
