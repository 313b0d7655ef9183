import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PtyPair, SerialScale } from '../src/index';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'hardware.mjs');

describe('hardware simulate scale, as the README and the demo run it', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });

  it('answers MT-SICS on the port, with the weight that `simulate scale set` writes', async () => {
    const pty = await new PtyPair().start();
    cleanup.push(() => pty.dispose());
    const dir = mkdtempSync(join(tmpdir(), 'kassa-scale-cli-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const state = join(dir, 'scale.json');
    const child = spawn(process.execPath, [bin, 'simulate', 'scale', '--port', pty.a, '--state', state], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    );
    while (!out.includes('scale simulator (MT-SICS)')) await new Promise((r) => setTimeout(r, 20));

    const scale = new SerialScale('cli-scale', pty.b, { pollIntervalMs: 0 });
    cleanup.push(() => scale.close());
    await scale.start();
    expect((await scale.weighNow()).grams).toBe(0);

    const set = (...args: string[]) =>
      spawnSync(process.execPath, [bin, 'simulate', 'scale', 'set', '--state', state, ...args], {
        encoding: 'utf8',
      });
    const r = set('0.456kg');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('scale set to 0.456 kg');
    // The simulator watches its state file: wait until it has read the new weight.
    while ((await scale.weighNow()).grams !== 456) await new Promise((r) => setTimeout(r, 50));
    expect(await scale.weighStable()).toMatchObject({ grams: 456, status: 'stable' });

    expect(set('1.2kg', '--moving').status).toBe(0);
    while ((await scale.weighNow()).status !== 'moving') await new Promise((r) => setTimeout(r, 50));
    expect((await scale.weighNow()).grams).toBe(1200);

    const bad = set('lots');
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'INVALID_CONFIG' } });
  });
});
