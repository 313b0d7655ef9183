/**
 * `hq` — the HQ service and its tools.
 *   hq serve   --db <dir|memory://|postgres://…> [--brokers h:p,…] [--port 8760] [--host 127.0.0.1]
 *   hq consume --db … --brokers …          a consumer only (scale out: start more)
 *   hq store   <store_id> --name N --timezone TZ --currency EUR [--group G]… --db …|--url …
 *   hq publish <catalog|promotions|tax> <file.json|file.csv> (--store ID…|--group G…) [--mode delta] [--dry-run] --db …|--url …
 *   hq replay-dead-letters [--store ID] --db …|--url …
 *   hq recompute --db …
 * Kafka credentials: --sasl-user (SCRAM-SHA-512) with the password in $HQ_KAFKA_PASSWORD or
 * --sasl-password-file; --ssl for TLS. PGlite is single-process: while `hq serve` holds a PGlite
 * directory, use --url http://… for the other commands.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { KafkaConfig } from 'kafkajs';
import { HqConsumer } from './consumers';
import { openHqDb } from './db';
import { replayDeadLetters } from './dead-letters';
import { recomputeAggregates } from './ingest';
import type { PublishStream } from './publishing';
import { documentFromCsv, OutboxSender, planPublication, publish, PublishError } from './publishing';
import { createDashboard } from './dashboard-api';
import type { DashDb } from './access';
import { ensureUser, migrateDashboard } from './access';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { HqAction } from './server';
import { HttpError, startHqServer } from './server';
import { upsertStore } from './stores';

export const DEFAULT_DB = path.join(os.homedir(), '.kassa', 'hq');

const USAGE = `usage: hq <serve|consume|store|publish|replay-dead-letters|recompute> [options]
  serve   --db DIR|postgres://… [--brokers host:port,…] [--port 8760] [--host 127.0.0.1] [--stores-from import.json]
  consume --db … --brokers …
  store <store_id> --name N --timezone TZ --currency EUR [--currency-exponent 2] [--group G]… (--db …|--url …)
  store --from <hub import.json>           registers the file's store_config (chain and region become groups)
  publish <catalog|promotions|tax> <file> (--store ID…|--group G…) [--mode snapshot|delta] [--dry-run] (--db …|--url …)
  replay-dead-letters [--store ID] (--db …|--url …)
  users add --username U --role admin|merchandiser|analyst|store-ops (password on stdin) --db …
  recompute --db …
HTTP access: a dashboard session (cookie + CSRF, roles) or "Authorization: Bearer $HQ_API_TOKEN"
(set HQ_API_TOKEN for serve and for the --url commands); HQ_OPEN_API=1 opens /v1 (dev only).`;

const log = (msg: string, ctx: object = {}): void => {
  process.stderr.write(`${JSON.stringify({ at: new Date().toISOString(), msg, ...ctx })}\n`);
};

function kafkaConfig(v: Record<string, unknown>): KafkaConfig | null {
  const brokers = (v.brokers as string | undefined) ?? process.env.HQ_KAFKA_BROKERS;
  if (!brokers) return null;
  const user = (v['sasl-user'] as string | undefined) ?? process.env.HQ_KAFKA_USER;
  const pwFile = v['sasl-password-file'] as string | undefined;
  const password = pwFile ? fs.readFileSync(pwFile, 'utf8').trim() : process.env.HQ_KAFKA_PASSWORD;
  return {
    clientId: `hq-${os.hostname()}-${process.pid}`,
    brokers: brokers.split(',').map((b) => b.trim()),
    ...(v.ssl ? { ssl: true } : {}),
    ...(user
      ? { sasl: { mechanism: 'scram-sha-512' as const, username: user, password: password ?? '' } }
      : {}),
    retry: { initialRetryTime: 300, retries: 10 },
  };
}

async function api(
  url: string,
  method: string,
  p: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url.replace(/\/$/, '') + p, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(process.env.HQ_API_TOKEN ? { authorization: `Bearer ${process.env.HQ_API_TOKEN}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

function readDocument(stream: PublishStream, file: string) {
  const text = fs.readFileSync(file, 'utf8');
  if (file.toLowerCase().endsWith('.csv')) return documentFromCsv(stream, text);
  const doc = JSON.parse(text) as Record<string, unknown>;
  if (Array.isArray(doc))
    return stream === 'catalog'
      ? { items: doc }
      : stream === 'promotions'
        ? { promotions: doc }
        : { tax_table: doc };
  const pick = (k: string) => (doc[k] === undefined ? {} : { [k]: doc[k] as unknown[] });
  if (stream === 'catalog') return { ...pick('items'), ...pick('categories') };
  if (stream === 'promotions') return pick('promotions');
  return pick('tax_table');
}

export async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      url: { type: 'string' },
      brokers: { type: 'string' },
      'sasl-user': { type: 'string' },
      'sasl-password-file': { type: 'string' },
      ssl: { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      store: { type: 'string', multiple: true },
      group: { type: 'string', multiple: true },
      mode: { type: 'string' },
      'dry-run': { type: 'boolean' },
      name: { type: 'string' },
      timezone: { type: 'string' },
      currency: { type: 'string' },
      'currency-exponent': { type: 'string' },
      demo: { type: 'boolean' },
      from: { type: 'string' },
      'stores-from': { type: 'string' },
      username: { type: 'string' },
      role: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, ...rest] = positionals;
  if (v.help || !cmd) {
    process.stdout.write(`${USAGE}\n`);
    return cmd || v.help ? 0 : 2;
  }
  const dbTarget = v.db ?? process.env.HQ_DB ?? DEFAULT_DB;
  const openDb = async () => {
    if (!/^(postgres(ql)?|memory):\/\//.test(dbTarget)) fs.mkdirSync(dbTarget, { recursive: true });
    return openHqDb(dbTarget);
  };
  const print = (x: unknown) => process.stdout.write(`${JSON.stringify(x, null, 2)}\n`);
  /** The store of a hub import file (its store_config section), as HQ registers it. */
  const storeFromImport = (file: string) => {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { store_config?: Record<string, unknown> };
    const c = doc.store_config;
    if (!c) throw new Error(`${file} has no store_config section`);
    return {
      store_id: String(c.store_id),
      name: String(c.name ?? c.store_id),
      timezone: String(c.timezone ?? 'UTC'),
      currency: String(c.currency ?? 'EUR'),
      currency_exponent: Number(c.currency_exponent ?? 2),
      demo: c.demo === true,
      groups: [c.chain, c.region].filter((g): g is string => typeof g === 'string' && g !== ''),
    };
  };

  switch (cmd) {
    case 'serve':
    case 'consume': {
      const h = await openDb();
      if (v['stores-from']) await upsertStore(h.db, storeFromImport(v['stores-from']));
      const kafka = kafkaConfig(v);
      const consumer = kafka ? new HqConsumer({ kafka, db: h.db, log }) : null;
      const sender = kafka ? new OutboxSender({ kafka, db: h.db, log }) : null;
      if (!kafka) log('no --brokers: HQ runs without Kafka (publications wait in the outbox)');
      await consumer?.start();
      if (cmd === 'serve') await sender?.start();
      const dash = cmd === 'serve' ? createDashboard({ db: h.db, publisher: sender, log }) : null;
      // Machines (the hq CLI with --url, scripts) use a bearer token; people use dashboard sessions.
      const token = process.env.HQ_API_TOKEN ?? '';
      const authorize = async (req: Request, action: HqAction): Promise<string | null> => {
        const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (given !== undefined) {
          const a = Buffer.from(given);
          const b = Buffer.from(token);
          if (token && a.length === b.length && timingSafeEqual(a, b)) return 'api-token';
          throw new HttpError(401, 'TOKEN_INVALID', 'The API token is not valid.');
        }
        if (process.env.HQ_OPEN_API === '1') return null;
        return dash!.authorize(req, action);
      };
      const server =
        cmd === 'serve'
          ? await startHqServer({
              db: h.db,
              publisher: sender,
              extensions: [dash!],
              authorize,
              port: Number(v.port ?? process.env.HQ_PORT ?? 8760),
              host: v.host ?? '127.0.0.1',
            })
          : null;
      process.stdout.write(
        `${JSON.stringify({ event: 'listening', url: server?.url ?? null, db: h.kind === 'pglite' ? dbTarget : 'postgres', kafka: !!kafka })}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server?.close();
      await consumer?.stop();
      await sender?.stop();
      await h.close();
      return 0;
    }
    case 'store': {
      const [storeId] = rest;
      const input = v.from
        ? storeFromImport(v.from)
        : {
            store_id: storeId ?? '',
            name: v.name ?? storeId ?? '',
            timezone: v.timezone ?? 'UTC',
            currency: v.currency ?? 'EUR',
            currency_exponent: Number(v['currency-exponent'] ?? 2),
            demo: v.demo ?? false,
            groups: v.group ?? [],
          };
      if (v.url) {
        const { store_id, ...body } = input;
        const r = await api(v.url, 'PUT', `/v1/stores/${encodeURIComponent(store_id)}`, body);
        print(r.body);
        return r.status < 300 ? 0 : 1;
      }
      const h = await openDb();
      try {
        await upsertStore(h.db, input);
        print({ data: input });
        return 0;
      } finally {
        await h.close();
      }
    }
    case 'publish': {
      const [streamArg, file] = rest;
      if (!['catalog', 'promotions', 'tax'].includes(streamArg ?? '') || !file) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      const stream = streamArg as PublishStream;
      const document = readDocument(stream, file);
      const req = {
        stream,
        mode: (v.mode ?? 'snapshot') as 'snapshot' | 'delta',
        store_ids: v.store ?? [],
        groups: v.group ?? [],
        document,
        created_by: os.userInfo().username,
      };
      if (v.url) {
        const r = await api(v.url, 'POST', `/v1/publish/${stream}`, {
          mode: req.mode,
          store_ids: req.store_ids,
          groups: req.groups,
          document,
          dry_run: v['dry-run'] ?? false,
        });
        print(r.body);
        return r.status < 300 ? 0 : 1;
      }
      const h = await openDb();
      try {
        if (v['dry-run']) {
          print({ data: await planPublication(h.db, req) });
          return 0;
        }
        const out = await publish(h.db, req);
        const kafka = kafkaConfig(v);
        if (kafka) {
          const sender = new OutboxSender({ kafka, db: h.db, log });
          await sender.drain();
        }
        print({ data: out });
        return 0;
      } catch (err) {
        if (err instanceof PublishError) {
          print({ error: { code: err.code, message: err.message, details: err.details } });
          return 1;
        }
        throw err;
      } finally {
        await h.close();
      }
    }
    case 'replay-dead-letters': {
      if (v.url) {
        const r = await api(
          v.url,
          'POST',
          '/v1/dead-letters/replay',
          v.store?.[0] ? { store_id: v.store[0] } : {},
        );
        print(r.body);
        return r.status < 300 ? 0 : 1;
      }
      const h = await openDb();
      try {
        const report = await replayDeadLetters(h.db, v.store?.[0] ? { storeId: v.store[0] } : {});
        print({ data: report });
        return report.still_failing.length === 0 ? 0 : 1;
      } finally {
        await h.close();
      }
    }
    case 'users': {
      // hq users add --username U --role admin|merchandiser|analyst|store-ops  (password on stdin)
      if (rest[0] !== 'add' || !v.username || !v.role) {
        process.stderr.write(
          'usage: hq users add --username U --role admin|merchandiser|analyst|store-ops < password\n',
        );
        return 2;
      }
      const password = fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '');
      const h = await openDb();
      try {
        const dash = h.db as unknown as DashDb;
        await migrateDashboard(dash);
        const u = await ensureUser(dash, {
          username: v.username,
          role: v.role,
          password,
        } as Parameters<typeof ensureUser>[1]);
        print({ data: u });
        return 0;
      } finally {
        await h.close();
      }
    }
    case 'recompute': {
      const h = await openDb();
      try {
        print({ data: await recomputeAggregates(h.db) });
        return 0;
      } finally {
        await h.close();
      }
    }
    default:
      process.stderr.write(`unknown command ${cmd}\n${USAGE}\n`);
      return 2;
  }
}
