/**
 * JSON bodies: a size limit (413 BODY_TOO_LARGE) and a nesting limit checked on the raw text
 * before JSON.parse (400 BODY_TOO_DEEP), so a 100,000-level document never reaches anything
 * recursive (hashing, validation, logging).
 */
import express from 'express';
import type { RequestHandler } from 'express';
import { jsonDepthExceeds } from '../json';

export const MAX_JSON_DEPTH = 64;

export function jsonBody(limit: string | number, maxDepth = MAX_JSON_DEPTH): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, buf) => {
      if (jsonDepthExceeds(buf.toString('utf8'), maxDepth)) {
        const err = new Error(`the request body is nested deeper than ${maxDepth} levels`) as Error & {
          status: number;
          type: string;
        };
        err.status = 400;
        err.type = 'entity.too.deep';
        throw err;
      }
    },
  });
}
