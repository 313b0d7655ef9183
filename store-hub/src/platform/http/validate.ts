import type { z } from 'zod';
import { HubError } from '../errors';

/** Parses a request part with its schema; any problem is a 400 VALIDATION_FAILED listing every issue. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new HubError('VALIDATION_FAILED', `the request ${where} is not valid`, {
      issues: r.error.issues.slice(0, 50).map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return r.data;
}
