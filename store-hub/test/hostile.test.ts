/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Issue 8 §2: every hostile input gets a clean 4xx `{ error }` from the real hub process, and
 * changes nothing it should not.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from './harness';
import {
  BIN,
  Client,
  FIXTURE,
  importFile,
  pairKiosk,
  pairingCode,
  removeTempDirs,
  staffClient,
  startHubProcess,
  tempDataDir,
} from './harness';

const MILK = '5000000000017';
const BREAD = '5000000000024';
const COLA = '5000000000031';
const WINE = '5000000000048';
const BANANA_500G = '2810001005007';

let hub: RunningHub;
let dir: string;
let kiosk: Client;

beforeAll(async () => {
  dir = tempDataDir();
  const doc = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  doc.store_config.max_basket_lines = 3;
  doc.items.push({
    item_id: 'banana',
    product_identifier: '2810001',
    item_name: 'Bananas (loose)',
    base_price: '1.20',
    unit_of_measure: 'kg',
    price_per_unit_measure: '1.20',
    tax_code: doc.items[0].tax_code,
  });
  const file = path.join(dir, 'store.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  expect(importFile(dir, file).code).toBe(0);
  hub = await startHubProcess(dir);
  ({ client: kiosk } = await pairKiosk(hub.url, hub.pairingCode, 'K1'));
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  if (process.env.KEEP_HUB_DIR) console.log(fs.readFileSync(path.join(dir, 'hub-stderr.log'), 'utf8'));
  removeTempDirs();
});

/** A copy of the store's database in a new data directory (a second hub process of its own). */
function tempDataDirWith(from: string): string {
  const d = tempDataDir();
  const src = new Database(path.join(from, 'kassa-hub.sqlite'));
  src.prepare(`VACUUM INTO ?`).run(path.join(d, 'kassa-hub.sqlite'));
  src.close();
  return d;
}

/** A fresh pairing code over the staff API (cheaper than a CLI process per code). */
const newCode = async (): Promise<string> =>
  (await (await staffClient(hub.url)).req('POST', '/v1/staff/pairing-codes')).body.data.code;
const basket = async (): Promise<string> => (await kiosk.req('POST', '/v1/baskets', {})).body.data.basket_id;
const expectError = (r: { status: number; body: any }, status: number, code: string): void => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.code).toBe(code);
  expect(typeof r.body.error.message).toBe('string');
  expect(r.body.error).toHaveProperty('details');
};

describe('malformed amounts and bodies', () => {
  it('refuses an amount with more decimals than the currency (400), leaving the order payable', async () => {
    const b = await basket();
    await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: MILK });
    const o = await kiosk.req('POST', '/v1/orders', { basket_id: b });
    const id = o.body.data.order_id;
    expectError(
      await kiosk.req('POST', `/v1/orders/${id}/tenders`, { amount: '1.005' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await kiosk.req('POST', `/v1/orders/${id}/tenders`, { amount: '1e3' }),
      400,
      'VALIDATION_FAILED',
    );
    const now = await kiosk.req('GET', `/v1/orders/${id}`);
    expect(now.body.data.order_status).toBe('created');
    expect(now.body.data.payment.tenders).toEqual([]);
  });

  it('answers 100,000-level nesting with 400 and an oversized body with 413', async () => {
    const b = await basket();
    const deep = '{"code":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    expectError(
      await kiosk.req('POST', `/v1/baskets/${b}/lines`, undefined, { raw: deep }),
      400,
      'BODY_TOO_DEEP',
    );
    const big = JSON.stringify({ code: MILK, pad: 'x'.repeat(2 * 1024 * 1024) });
    expectError(
      await kiosk.req('POST', `/v1/baskets/${b}/lines`, undefined, { raw: big }),
      413,
      'BODY_TOO_LARGE',
    );
    expect((await kiosk.req('GET', `/v1/baskets/${b}`)).body.data.version).toBe(1);
  });
});

/** `n` sign-ins as the manager with a wrong PIN, each refused as a failed login. */
const wrongPins = async (anon: Client, n: number): Promise<void> => {
  for (let i = 0; i < n; i++)
    expectError(
      await anon.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '000000' }),
      401,
      'STAFF_LOGIN_FAILED',
    );
};

/** A pairing request for `code`, from a device named after it. */
const pairBody = (code: string) => ({ code, name: 'X', retailer_device_id: `X-${code}` });

/** `n` pairings with wrong codes (from, from + 1, …), each refused as an invalid code. */
const wrongCodes = async (anon: Client, n: number, from: number): Promise<void> => {
  for (let i = 0; i < n; i++)
    expectError(
      await anon.req('POST', '/v1/devices/pair', pairBody(String(from + i))),
      401,
      'PAIRING_CODE_INVALID',
    );
};

describe('guessable secrets', () => {
  it('locks a staff account after 5 wrong PINs (even the right PIN), visible to other staff', async () => {
    const staff = await staffClient(hub.url); // signed in before the attack
    const anon = new Client(hub.url);
    await wrongPins(anon, 5);
    const locked = await anon.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' });
    expectError(locked, 429, 'TOO_MANY_ATTEMPTS');
    expect(locked.body.error.details.retry_after_s).toBeGreaterThan(0);
    const list = await staff.req('GET', '/v1/staff/lockouts');
    expect(list.body.data).toContainEqual(
      expect.objectContaining({ scope: 'staff_account', key: 'manager' }),
    );
    const cleared = await staff.req('POST', '/v1/staff/lockouts/clear', {
      scope: 'staff_account',
      key: 'manager',
    });
    expect(cleared.body.data.cleared).toBe(true);
    expect(
      (await anon.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' })).status,
    ).toBe(201);
  }, 60_000);

  it('locks a client address after 10 wrong pairing codes, even for a valid code', async () => {
    const anon = new Client(hub.url);
    const good = await newCode();
    await wrongCodes(anon, 10, 10_000_000);
    expectError(await anon.req('POST', '/v1/devices/pair', pairBody(good)), 429, 'TOO_MANY_ATTEMPTS');
    const staff = await staffClient(hub.url);
    const list = await staff.req('GET', '/v1/staff/lockouts');
    const mine = list.body.data.find((l: any) => l.scope === 'pairing_address');
    expect(mine).toBeDefined();
    await staff.req('POST', '/v1/staff/lockouts/clear', { scope: 'pairing_address', key: mine.key });
    expect((await anon.req('POST', '/v1/devices/pair', pairBody(good))).status).toBe(201);
  }, 60_000);

  it('refuses a second pairing of a live retailer_device_id unless it explicitly replaces (and revokes) it', async () => {
    const codes = [await newCode(), await newCode()];
    const first = await pairKiosk(hub.url, codes[0]!, 'LANE7');
    await expect(pairKiosk(hub.url, codes[1]!, 'LANE7')).rejects.toThrow(/DEVICE_ALREADY_PAIRED/);
    expect((await first.client.req('POST', '/v1/baskets', {})).status).toBe(201);
    const socket = io(hub.url, {
      auth: { token: first.client.token },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise<void>((r) => socket.on('connect', () => r()));
    const dropped = new Promise<string>((r) => socket.on('disconnect', (why) => r(why)));
    const second = await pairKiosk(hub.url, codes[1]!, 'LANE7', true);
    expect(await dropped).toBe('io server disconnect');
    expectError(await first.client.req('POST', '/v1/baskets', {}), 401, 'DEVICE_UNAUTHENTICATED');
    expect((await second.client.req('POST', '/v1/baskets', {})).status).toBe(201);
  }, 60_000);
});

describe('lockouts survive a restart', () => {
  it('a hub SIGKILLed after the guesses still refuses the locked account and address, lists them, and lets them in once the lock ends', async () => {
    const d = tempDataDirWith(dir);
    let h = await startHubProcess(d);
    try {
      const staff = await staffClient(h.url); // a session from before the attack
      const anon = new Client(h.url);
      await wrongPins(anon, 5);
      await wrongCodes(anon, 10, 20_000_000);
      await h.stop('SIGKILL');

      h = await startHubProcess(d);
      const again = new Client(h.url);
      expectError(
        await again.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' }),
        429,
        'TOO_MANY_ATTEMPTS',
      );
      const good = pairingCode(d);
      expectError(await again.req('POST', '/v1/devices/pair', pairBody(good)), 429, 'TOO_MANY_ATTEMPTS');
      const before = new Client(h.url);
      before.token = staff.token;
      const list = await before.req('GET', '/v1/staff/lockouts');
      expect(list.status, JSON.stringify(list.body)).toBe(200);
      const scopes = (list.body.data as any[]).map((l) => `${l.scope}:${l.key}`);
      expect(scopes).toContain('staff_account:manager');
      expect(scopes.some((s) => s.startsWith('pairing_address:'))).toBe(true);
      await h.stop();

      // 16 minutes later (the locks last 15): the right PIN and a valid code are taken again.
      h = await startHubProcess(d, [], { KASSA_SECURITY_CLOCK_OFFSET_MS: String(16 * 60_000) });
      const later = new Client(h.url);
      expect(
        (await later.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' })).status,
      ).toBe(201);
      expect((await later.req('POST', '/v1/devices/pair', pairBody(good))).status).toBe(201);
    } finally {
      await h.stop();
    }
  }, 90_000);
});

describe('one item, one line; limits that agree', () => {
  it('merges repeat scans of one item however the scanner terminated the code', async () => {
    const b = await basket();
    for (const code of [MILK, `${MILK}\r\n`, `${MILK}\u0000`, ` ${MILK} `])
      expect((await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code })).status).toBe(201);
    const lines = (await kiosk.req('GET', `/v1/baskets/${b}`)).body.data.priced.lines;
    expect(lines.map((l: any) => [l.item_id, l.quantity])).toEqual([['milk', 4]]);
  });

  it('refuses a weight on a counted item and weights outside the store bounds; a weight label is its own line', async () => {
    const b = await basket();
    expectError(
      await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: MILK, weight_g: 500 }),
      422,
      'WEIGHT_NOT_ALLOWED',
    );
    expectError(
      await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: '2810001', weight_g: 10_000_000 }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: '2810001', weight_g: 50_000 }),
      422,
      'WEIGHT_OUT_OF_RANGE',
    );
    expectError(
      await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: '2810001', weight_g: 1 }),
      422,
      'WEIGHT_OUT_OF_RANGE',
    );
    expect((await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: BANANA_500G })).status).toBe(201);
    expect((await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: BANANA_500G })).status).toBe(201);
    const lines = (await kiosk.req('GET', `/v1/baskets/${b}`)).body.data.priced.lines;
    expect(lines.map((l: any) => [l.item_id, l.weight_g])).toEqual([
      ['banana', 500],
      ['banana', 500],
    ]);
  });

  it('caps the basket at the store’s line limit with a clear error; more of an existing line still fits', async () => {
    const b = await basket();
    for (const code of [MILK, BREAD, COLA]) await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code });
    const r = await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: WINE });
    expectError(r, 409, 'BASKET_LINE_LIMIT');
    expect(r.body.error.details.max_lines).toBe(3);
    expect(r.body.error.message).toMatch(/staff/);
    expect((await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: MILK })).status).toBe(201);
  });
});

describe('receipts, auth scheme, idempotency, CLI', () => {
  it('prints the same QR value the API gives, and answers a receipt request on a printer-less lane clearly', async () => {
    const b = await basket();
    await kiosk.req('POST', `/v1/baskets/${b}/lines`, { code: MILK });
    const o = await kiosk.req('POST', '/v1/orders', { basket_id: b });
    const paid = await kiosk.req('POST', `/v1/orders/${o.body.data.order_id}/tenders`, {});
    expect(paid.body.data.order_status).toBe('completed');
    const qr = paid.body.data.receipt.qr_value;
    expect(qr).toBe(`kassa:order:${paid.body.data.order_id}`);
    const db = new Database(path.join(dir, 'kassa-hub.sqlite'), { readonly: true });
    const doc = JSON.parse(
      (db.prepare(`SELECT document FROM receipts WHERE order_id = ?`).get(paid.body.data.order_id) as any)
        .document,
    );
    db.close();
    expect(JSON.stringify(doc)).toContain(qr);
    const again = await kiosk.req('POST', `/v1/orders/${paid.body.data.order_id}/receipts`, {});
    expect(again.status).toBe(200);
    expect(again.body.data.channel).toBe('e_receipt');
  });

  it('accepts the bearer scheme in any case', async () => {
    const r = await fetch(`${hub.url}/v1/baskets`, {
      method: 'POST',
      headers: {
        authorization: `bearer ${kiosk.token}`,
        'idempotency-key': 'lower-1',
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(r.status).toBe(201);
  });

  it('treats the same body with keys in another order as the same request for an Idempotency-Key', async () => {
    const b = await basket();
    const first = await kiosk.req('POST', `/v1/baskets/${b}/lines`, undefined, {
      key: 'canon-1',
      raw: `{"code":"${MILK}","quantity":2}`,
    });
    const again = await kiosk.req('POST', `/v1/baskets/${b}/lines`, undefined, {
      key: 'canon-1',
      raw: `{"quantity":2,"code":"${MILK}"}`,
    });
    expect(again).toEqual({ ...first, key: 'canon-1' });
    expect((await kiosk.req('GET', `/v1/baskets/${b}`)).body.data.priced.lines[0].quantity).toBe(2);
  });

  it('explains a busy port in one sentence, without a stack trace', { timeout: 60_000 }, () => {
    const port = new URL(hub.url).port;
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', port, '--data-dir', dir], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/port \d+ .*already in use/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it(
    'serve prints a summary for people: no JSON log lines, URLs, pairing code, codes to scan',
    { timeout: 60_000 },
    async () => {
      const proc = spawn(
        process.execPath,
        [BIN, 'serve', '--port', '0', '--data-dir', tempDataDirWith(dir)],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      await new Promise<void>((resolve, reject) => {
        proc.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (/Codes to scan:\n(.+\n){3}/.test(out)) resolve();
        });
        proc.on('exit', (c) => reject(new Error(`serve exited ${c}: ${out}`)));
      });
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      const lines = out.split('\n').filter((l) => l.trim() !== '');
      expect(lines.filter((l) => l.trim().startsWith('{'))).toEqual([]);
      expect(out).toMatch(/URL: +http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/Pairing code: +\d{8}/);
      expect(out).toMatch(/Staff users: +manager/);
      expect(out).toContain(BANANA_500G);
    },
  );

  it('prints codes to scan: counted, weighed, age-restricted', { timeout: 60_000 }, () => {
    const r = spawnSync(process.execPath, [BIN, 'demo-codes', '--json', '--data-dir', dir], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const codes = JSON.parse(r.stdout) as { kind: string; code: string }[];
    expect(codes.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['counted', 'weighed', 'age_restricted']),
    );
    expect(codes.find((c) => c.kind === 'weighed')!.code).toBe(BANANA_500G);
  });
});
