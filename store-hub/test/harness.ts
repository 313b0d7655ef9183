/* eslint-disable @typescript-eslint/no-explicit-any */
/** Runs the real hub process (tsx, ephemeral port, temp data dir) for integration tests. */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = path.join(here, '..', 'bin', 'store-hub.mjs');
export const FIXTURE = path.join(here, 'fixtures', 'store.json');

export interface RunningHub {
  url: string;
  dataDir: string;
  pairingCode: string;
  proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const tempDirs: string[] = [];
/** Removes every temp data directory made so far (call from afterAll, after hubs have stopped). */
export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}
process.on('exit', removeTempDirs);

/** A temp data directory, removed when the test process exits. */
export function tempDataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-hub-test-'));
  tempDirs.push(d);
  return d;
}

export function importFile(dataDir: string, file = FIXTURE): { code: number; out: string } {
  const r = spawnSync(process.execPath, [BIN, 'import', file, '--data-dir', dataDir], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

export async function startHubProcess(
  dataDir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<RunningHub> {
  const proc = spawn(
    process.execPath,
    [BIN, 'serve', '--json', '--port', '0', '--data-dir', dataDir, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Every answer is checked against its endpoint's response schema (a mismatch is a 500).
      env: {
        ...process.env,
        LOG_LEVEL: process.env.HUB_LOG_LEVEL ?? 'warn',
        KASSA_VALIDATE_RESPONSES: '1',
        ...env,
      },
    },
  );
  let buf = '';
  let err = '';
  // Kept for post-mortems: a hub that died mid-test leaves its last words here.
  const errLog = fs.createWriteStream(path.join(dataDir, 'hub-stderr.log'), { flags: 'a' });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    errLog.write(d);
  });
  const info = await new Promise<{ url: string; pairing_code: string }>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        if (line.startsWith('{"event":"listening"'))
          resolve(JSON.parse(line) as { url: string; pairing_code: string });
      }
    });
    proc.on('exit', (code) => reject(new Error(`hub exited ${code}: ${err}`)));
  });
  return {
    url: info.url,
    dataDir,
    pairingCode: info.pairing_code,
    proc,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
}

export class Client {
  private n = 0;
  constructor(
    readonly url: string,
    public token = '',
  ) {}

  async req(
    method: string,
    p: string,
    body?: unknown,
    opts: { key?: string | null; raw?: string } = {},
  ): Promise<{ status: number; body: any; key?: string | null }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const key =
      opts.key === undefined
        ? method === 'GET'
          ? null
          : `k-${process.pid}-${Date.now()}-${++this.n}`
        : opts.key;
    if (key) headers['idempotency-key'] = key;
    const res = await fetch(this.url + p, {
      method,
      headers,
      body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // non-JSON answers are asserted on by the caller
    }
    return { status: res.status, body: parsed, key };
  }
}

export async function pairKiosk(
  url: string,
  code: string,
  name = 'K1',
  replace = false,
): Promise<{ client: Client; deviceId: string }> {
  const c = new Client(url);
  const r = await c.req('POST', '/v1/devices/pair', {
    code,
    name,
    retailer_device_id: name,
    ...(replace ? { replace: true } : {}),
  });
  if (r.status !== 201) throw new Error(`pairing failed: ${JSON.stringify(r.body)}`);
  c.token = r.body.data.token;
  return { client: c, deviceId: r.body.data.device_id };
}

export async function staffClient(url: string): Promise<Client> {
  const c = new Client(url);
  const r = await c.req('POST', '/v1/staff/sessions', { username: 'manager', pin: '123456' });
  if (r.status !== 201) throw new Error(`staff login failed: ${JSON.stringify(r.body)}`);
  c.token = r.body.data.token;
  return c;
}

/** A fresh pairing code from the CLI (the serve line's code is single-use). */
export function pairingCode(dataDir: string): string {
  const r = spawnSync(process.execPath, [BIN, 'pair', '--data-dir', dataDir], { encoding: 'utf8' });
  const m = /(\d{8})/.exec(r.stdout);
  if (!m) throw new Error(`pair failed: ${r.stdout}${r.stderr}`);
  return m[1]!;
}
