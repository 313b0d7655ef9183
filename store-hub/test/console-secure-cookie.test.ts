/**
 * The console session cookies carry `Secure` only when the sign-in came over HTTPS: to the hub's
 * own TLS socket, or through a proxy the store named in KASSA_TRUST_PROXY that says so in
 * X-Forwarded-Proto. Anyone else's X-Forwarded-Proto is ignored (real hub processes; the TLS
 * case over a real TLS connection with a throw-away self-signed certificate).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSecureRequest, parseTrustProxy } from '../src/modules/console-auth/secure';
import type { RunningHub } from './harness';
import { BIN, importFile, removeTempDirs, startHubProcess, tempDataDir } from './harness';

const hubs: RunningHub[] = [];
let dataDir: string;

beforeAll(() => {
  dataDir = tempDataDir();
  expect(importFile(dataDir).code).toBe(0);
}, 60_000);

afterAll(async () => {
  for (const h of hubs) await h.stop();
  removeTempDirs();
});

async function hubWith(trust: string | undefined): Promise<RunningHub> {
  // One data directory, one hub at a time (the database is the hub's alone).
  for (const h of hubs.splice(0)) await h.stop();
  const h = await startHubProcess(dataDir, [], trust === undefined ? {} : { KASSA_TRUST_PROXY: trust });
  hubs.push(h);
  return h;
}

/** Signs in (and out) with these extra headers; the Set-Cookie lines of both answers. */
async function cookies(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/console/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ staff_id: 'manager', pin: '123456' }),
  });
  expect(res.status).toBe(201);
  const signIn = res.headers.getSetCookie();
  const jar = signIn.map((c) => c.split(';')[0]!);
  const csrf = jar.find((c) => c.startsWith('kassa_csrf='))!.slice('kassa_csrf='.length);
  const out = await fetch(`${url}/v1/console/session`, {
    method: 'DELETE',
    headers: { ...headers, cookie: jar.join('; '), 'x-csrf-token': csrf },
  });
  expect(out.status).toBe(200);
  return { signIn, signOut: out.headers.getSetCookie() };
}

const secure = (lines: string[]) => lines.map((c) => /;\s*Secure(;|$)/i.test(c));

describe('console session cookies and HTTPS', { timeout: 60_000 }, () => {
  it('no trusted proxy: plain HTTP and a forged X-Forwarded-Proto both get cookies without Secure', async () => {
    const h = await hubWith(undefined);
    const plain = await cookies(h.url);
    expect(plain.signIn).toHaveLength(2);
    expect(secure(plain.signIn)).toEqual([false, false]);
    const forged = await cookies(h.url, { 'x-forwarded-proto': 'https' });
    expect(secure(forged.signIn)).toEqual([false, false]);
    expect(secure(forged.signOut)).toEqual([false, false]);
  });

  it('a trusted proxy saying https gets Secure on sign-in and sign-out; saying http, or nothing, does not', async () => {
    const h = await hubWith('loopback');
    const viaTls = await cookies(h.url, { 'x-forwarded-proto': 'https' });
    expect(secure(viaTls.signIn)).toEqual([true, true]);
    expect(secure(viaTls.signOut)).toEqual([true, true]);
    // Still HttpOnly / SameSite as before.
    expect(viaTls.signIn.find((c) => c.startsWith('kassa_session='))).toMatch(/HttpOnly; SameSite=Strict/);
    // A chain of proxies: the first value is what the browser used.
    expect(secure((await cookies(h.url, { 'x-forwarded-proto': 'HTTPS, http' })).signIn)).toEqual([
      true,
      true,
    ]);
    expect(secure((await cookies(h.url, { 'x-forwarded-proto': 'http' })).signIn)).toEqual([false, false]);
    expect(secure((await cookies(h.url)).signIn)).toEqual([false, false]);
  });

  it('a proxy setting that names another address does not trust the loopback peer', async () => {
    const h = await hubWith('10.20.30.40, fd00::/8');
    expect(secure((await cookies(h.url, { 'x-forwarded-proto': 'https' })).signIn)).toEqual([false, false]);
  });

  it('a KASSA_TRUST_PROXY that is not an address stops the hub at start-up with a sentence', async () => {
    for (const h of hubs.splice(0)) await h.stop();
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = spawn(process.execPath, [BIN, 'serve', '--json', '--port', '0', '--data-dir', dataDir], {
        env: { ...process.env, KASSA_TRUST_PROXY: 'loopback, the-proxy' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.stdout.on('data', (d: Buffer) => {
        // Listening would mean the setting was accepted: stop it, the assertion below fails.
        if (d.toString().includes('"event":"listening"')) p.kill();
      });
      p.on('exit', (code) => resolve({ code, err }));
    });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/KASSA_TRUST_PROXY: "the-proxy" is not an IP address/);
  });
});

describe('a request over TLS itself', { timeout: 30_000 }, () => {
  it('is secure without any proxy setting; the same server over plain HTTP is not', async () => {
    const dir = tempDataDir();
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const gen = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { encoding: 'utf8' },
    );
    expect(gen.status, gen.stderr).toBe(0);
    const none = parseTrustProxy(undefined);
    const server = https.createServer(
      { key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
      (req, res) => {
        res.end(JSON.stringify({ secure: isSecureRequest(req, none) }));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false }, (res) => {
            let b = '';
            res.on('data', (d: Buffer) => (b += d.toString()));
            res.on('end', () => resolve(b));
          })
          .on('error', reject);
      });
      expect(JSON.parse(body)).toEqual({ secure: true });
    } finally {
      await new Promise((r) => server.close(r));
    }
    // The same check on a plain socket, header or not, with no trusted proxy.
    expect(
      isSecureRequest(
        { socket: { remoteAddress: '127.0.0.1' }, headers: { 'x-forwarded-proto': 'https' } },
        none,
      ),
    ).toBe(false);
  });

  it('reads IPv4 peers of a dual-stack socket as IPv4 and matches subnets', () => {
    const t = parseTrustProxy('192.168.1.0/24,::1');
    const req = (a: string) => ({ socket: { remoteAddress: a }, headers: { 'x-forwarded-proto': 'https' } });
    expect(isSecureRequest(req('::ffff:192.168.1.77'), t)).toBe(true);
    expect(isSecureRequest(req('192.168.1.255'), t)).toBe(true);
    expect(isSecureRequest(req('192.168.2.1'), t)).toBe(false);
    expect(isSecureRequest(req('::1'), t)).toBe(true);
    expect(isSecureRequest(req('::2'), t)).toBe(false);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/not an IP address/);
  });
});
