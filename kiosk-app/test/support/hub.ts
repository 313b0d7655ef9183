/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A real hub process for kiosk tests: the demo store from scripts/demo-data/generate.ts,
 * imported with the hub's own CLI into a temp data directory, served from
 * store-hub/bin/store-hub.mjs on an ephemeral port (or a given one, to restart after a kill).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoStore } from '../../../scripts/demo-data/generate';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.join(here, '..', '..', '..');
/** KASSA_TEST_HUB_BIN runs another hub build (e.g. a snapshot while the hub is being reworked). */
export const HUB_BIN = process.env.KASSA_TEST_HUB_BIN ?? path.join(REPO, 'store-hub', 'bin', 'store-hub.mjs');

export interface DemoStore {
  file: string;
  doc: ReturnType<typeof generateDemoStore> & {
    items: Record<string, unknown>[];
    promotions: Record<string, unknown>[];
  };
}

export function demoStore(dir: string, items = 3000): DemoStore {
  const doc = generateDemoStore({ items, seed: 7 }) as DemoStore['doc'];
  const file = path.join(dir, 'demo-store.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  return { file, doc };
}

export function tempDir(prefix = 'kassa-kiosk-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function importStore(dataDir: string, file: string): void {
  const r = spawnSync(process.execPath, [HUB_BIN, 'import', file, '--data-dir', dataDir], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`import failed: ${r.stdout}${r.stderr}`);
}

export interface RunningHub {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startHub(dataDir: string, port = 0, extra: string[] = []): Promise<RunningHub> {
  const proc = spawn(
    process.execPath,
    [HUB_BIN, 'serve', '--json', '--port', String(port), '--data-dir', dataDir, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: process.env.HUB_LOG_LEVEL ?? 'warn' },
    },
  );
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const info = await new Promise<{ url: string }>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n'))
        if (line.startsWith('{"event":"listening"')) resolve(JSON.parse(line) as { url: string });
    });
    proc.on('exit', (code) => reject(new Error(`hub exited ${code}: ${err}`)));
  });
  return {
    url: info.url,
    port: Number(new URL(info.url).port),
    proc,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
}

/** Minimal JSON calls for assertions (the app itself goes through src/hub/). */
export async function api(
  url: string,
  method: string,
  p: string,
  token?: string,
  body?: unknown,
  key?: string,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (key) headers['idempotency-key'] = key;
  const r = await fetch(url + p, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

export async function staffToken(url: string): Promise<string> {
  const r = await api(url, 'POST', '/v1/staff/sessions', undefined, { username: 'manager', pin: '123456' });
  if (r.status !== 201) throw new Error(`staff login: ${JSON.stringify(r.body)}`);
  return r.body.data.token as string;
}
