/** The one place a thrown error becomes an HTTP answer; every request error is a 4xx `{ error }`. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ErrorCode } from '../errors';
import { ERROR_STATUS, HubError, isErrorCode } from '../errors';

const PARSER_ERRORS: Record<string, [ErrorCode, string]> = {
  'entity.parse.failed': ['MALFORMED_JSON', 'the request body is not valid JSON'],
  'entity.too.large': ['BODY_TOO_LARGE', 'the request body is too large'],
  'entity.too.deep': ['BODY_TOO_DEEP', 'the request body is nested too deeply'],
  'encoding.unsupported': ['BAD_REQUEST', 'the request body encoding is not supported'],
  'charset.unsupported': ['BAD_REQUEST', 'the request body charset is not supported'],
};

const send = (res: Response, code: ErrorCode, message: string, details: unknown = {}): void => {
  res.status(ERROR_STATUS[code]).json({ error: { code, message, details } });
};

export const notFoundHandler = (_req: Request, _res: Response, next: NextFunction): void =>
  next(new HubError('ROUTE_NOT_FOUND', 'no such endpoint'));

export function errorHandler(log: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof HubError) {
      res.status(err.status).json(err.toBody());
      return;
    }
    const e = err as { type?: string; status?: number; message?: string; code?: unknown; details?: unknown };
    const parser = e.type ? PARSER_ERRORS[e.type] : undefined;
    if (parser) return send(res, parser[0], parser[1]);
    // promo-core's KassaErrors (PricingError…) carry a code the catalogue lists.
    if (typeof e.code === 'string' && isErrorCode(e.code) && ERROR_STATUS[e.code] < 500)
      return send(res, e.code, e.message ?? e.code, e.details ?? {});
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
      return send(res, 'BAD_REQUEST', e.message ?? 'bad request');
    log.error({ err }, 'unhandled error');
    send(res, 'INTERNAL', 'internal error');
  };
}
