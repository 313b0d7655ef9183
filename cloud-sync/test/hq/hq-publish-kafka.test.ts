/**
 * Publishing end to end through the `hq serve` process (PGlite directory, the real broker): the
 * validation report of every rejected row, versioned chunked snapshots and deltas per store for
 * a store group, and what the store's own principal reads from its stream decodes as §6.3.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, storeStreamTopic } from '../../src/protocol';
import type { KafkaTestEnv } from '../support/kafka';
import { kafkaEnv, kafkaFor, provision, readAll } from '../support/kafka';

const env = kafkaEnv();
const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/hq.mjs');
const S1 = 't23';
const S2 = 't24';
const TOKEN = 'test-token-for-the-hq-api';

const item = (i: number, price = '1.99') => ({
  item_id: `item-${i}`,
  product_identifier: String(2_000_000_000_000 + i),
  name: `Item ${i}`,
  base_price: price,
  tax_code: 'STD',
});

describe.skipIf(!env)('publishing through hq serve', () => {
  const k = env as KafkaTestEnv;
  let proc: ChildProcess;
  let url: string;
  let dir: string;

  const call = async (method: string, p: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(url + p, {
      method,
      headers: { 'content-type': type, authorization: `Bearer ${TOKEN}` },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    await provision(k, [S1, S2]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-hq-test-'));
    proc = spawn(
      process.execPath,
      [BIN, 'serve', '--db', dir, '--brokers', k.brokers.join(','), '--sasl-user', 'hq', '--port', '0'],
      {
        env: { ...process.env, HQ_KAFKA_PASSWORD: k.users.hq, HQ_API_TOKEN: TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      proc.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const line = buf.split('\n').find((l) => l.startsWith('{"event":"listening"'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      proc.once('exit', (code) => reject(new Error(`hq exited ${code}: ${err}`)));
    });
  });

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await done;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports every rejected row, publishes versioned snapshots and deltas, and the store reads them', async () => {
    for (const s of [S1, S2])
      expect(
        (
          await call('PUT', `/v1/stores/${s}`, {
            name: s,
            timezone: 'Europe/Paris',
            currency: 'EUR',
            groups: ['north'],
          })
        ).status,
      ).toBe(200);

    const bad = [
      item(1),
      { item_id: 'broken', product_identifier: '', base_price: 'cheap' },
      item(2),
      { ...item(3), item_id: 'item-1' },
    ];
    const dry = await call('POST', '/v1/publish/catalog', {
      groups: ['north'],
      document: { items: bad },
      dry_run: true,
    });
    expect(dry.status).toBe(200);
    expect(new Set(dry.body.data.report.rejected.map((r: { index: number }) => r.index))).toEqual(
      new Set([1, 3]),
    );
    const refused = await call('POST', '/v1/publish/catalog', {
      groups: ['north'],
      document: { items: bad },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(refused.body.error.details.report.rejected.length).toBeGreaterThanOrEqual(2);

    const items = Array.from({ length: 4500 }, (_, i) => item(i));
    const pub = await call('POST', '/v1/publish/catalog', { groups: ['north'], document: { items } });
    expect(pub.status, JSON.stringify(pub.body).slice(0, 500)).toBe(201);
    expect(
      pub.body.data.publications.map((p: { store_id: string; version: number; chunks: number }) => [
        p.store_id,
        p.version,
        p.chunks,
      ]),
    ).toEqual([
      [S1, 1, 3],
      [S2, 1, 3],
    ]);

    const csv = 'tax_code,tax_level,retailer_tax_level_id,tax_percent\nSTD,VAT,VAT,20.00\nRED,VAT,VAT,5.50\n';
    const tax = await call('POST', `/v1/publish/tax?store_ids=${S1}`, csv, 'text/csv');
    expect(tax.status, JSON.stringify(tax.body)).toBe(201);
    const promos = await call('POST', '/v1/publish/promotions', {
      store_ids: [S1],
      document: { promotions: [{ id: 'P1' }] },
    });
    expect(promos.status).toBe(422);
    expect(promos.body.error.details.report.rejected[0]).toMatchObject({ section: 'promotions', index: 0 });

    const changed = [{ ...item(7), base_price: '2.49' }];
    const plan = await call('POST', '/v1/publish/catalog', {
      store_ids: [S1],
      mode: 'delta',
      document: { items: changed },
      deletes: ['item-8'],
      dry_run: true,
    });
    expect(plan.body.data.stores[0].diff).toMatchObject({
      added: [],
      changed: ['item-7'],
      removed: ['item-8'],
    });
    const delta = await call('POST', '/v1/publish/catalog', {
      store_ids: [S1],
      mode: 'delta',
      document: { items: changed },
      deletes: ['item-8'],
    });
    expect(delta.status).toBe(201);
    expect(delta.body.data.publications[0]).toMatchObject({
      store_id: S1,
      type: 'catalog.delta',
      version: 2,
    });

    // What hub t23 reads with its own credentials, in order.
    const records = await readAll(kafkaFor(k, `hub-${S1}`), storeStreamTopic(S1), `hub-${S1}`, 5);
    const decoded = records.map((r) =>
      decodeEvent(r.value, { topic: storeStreamTopic(S1), direction: 'cloud_to_store' }),
    );
    expect(decoded.every((d) => d.ok)).toBe(true);
    const summary = decoded.map((d) => {
      const e = d.ok ? d.event : null;
      const data = e?.data as { stream_version: number; chunk?: { index: number; count: number } };
      return [e?.type, data.stream_version, data.chunk?.index ?? null, e?.key];
    });
    expect(summary).toEqual([
      ['catalog.snapshot', 1, 0, S1],
      ['catalog.snapshot', 1, 1, S1],
      ['catalog.snapshot', 1, 2, S1],
      ['tax.table.snapshot', 1, 0, S1],
      ['catalog.delta', 2, null, S1],
    ]);
    const seqs = decoded.map((d) => (d.ok ? d.event.hub_seq : 0));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const itemsSent = decoded
      .slice(0, 3)
      .reduce((n, d) => n + (d.ok ? (d.event.data as { items: unknown[] }).items.length : 0), 0);
    expect(itemsSent).toBe(4500);

    const pubs = await call('GET', `/v1/publications?store_id=${S1}`);
    expect(
      pubs.body.data.map((p: { stream: string; version: number }) => `${p.stream}@${p.version}`).sort(),
    ).toEqual(['catalog@1', 'catalog@2', 'tax@1']);
    expect((await call('POST', '/v1/publish/catalog', '{"oops', 'application/json')).body.error.code).toBe(
      'MALFORMED_JSON',
    );
    expect(
      (await call('POST', '/v1/publish/catalog', { store_ids: ['nope'], document: { items } })).status,
    ).toBe(404);
    expect((await call('GET', '/v1/sales/daily?from=2026-01-01')).status).toBe(400);
    expect((await call('GET', '/openapi.json')).body.openapi).toBe('3.1.0');
    // Without the token or a dashboard session, /v1 is closed; a wrong token is refused.
    expect((await fetch(`${url}/v1/stores`)).status).toBe(401);
    expect((await fetch(`${url}/v1/stores`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });
});
