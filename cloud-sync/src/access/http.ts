/**
 * The HTTP conventions every dashboard route shares: `{ error: { code, message, details } }` for
 * anything a person or a client got wrong (4xx, never a 5xx for bad input), zod at the door, and
 * an async wrapper so a rejected promise reaches the error handler instead of hanging a request.
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const handle =
  (fn: (req: Request, res: Response) => Promise<unknown> | unknown): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .then((body) => {
        if (!res.headersSent && body !== undefined) res.json(body);
      })
      .catch(next);
  };

/** Parses input with a schema; a failure is a 400 listing each problem by path. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new ApiError(
    400,
    'INVALID_INPUT',
    `The ${what} is not valid: ${r.error.issues[0]?.message ?? ''}`.trim(),
    {
      issues: r.error.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), message: i.message })),
    },
  );
}

export const errorHandler =
  (log: (err: unknown) => void = () => undefined): ErrorRequestHandler =>
  (err, _req, res, _next) => {
    void _next;
    if (res.headersSent) return;
    if (err instanceof ApiError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    // express's own body parser errors (bad JSON, too large) carry a 4xx status.
    const status = (err as { status?: number; statusCode?: number }).status ?? 0;
    if (status >= 400 && status < 500) {
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_INPUT';
      const message = status === 413 ? 'The upload is too large.' : 'The request body is not valid JSON.';
      res.status(status).json({ error: { code, message, details: {} } });
      return;
    }
    log(err);
    res.status(500).json({
      error: {
        code: 'INTERNAL',
        message: 'Something went wrong on the HQ server; try again.',
        details: {},
      },
    });
  };
