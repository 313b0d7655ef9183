/**
 * A pair of connected pseudo-terminals made by socat: what a USB-serial scanner or printer looks
 * like to Linux, without the hardware. Tests, the bench and the demo use it; `stop()` then
 * `start()` again is an unplug and replug (the links disappear and come back).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HardwareError } from '../errors';

export class PtyPair {
  private child: ChildProcess | null = null;
  private readonly dir: string | null;
  readonly a: string;
  readonly b: string;

  constructor(a?: string, b?: string) {
    this.dir = a && b ? null : mkdtempSync(join(tmpdir(), 'kassa-pty-'));
    this.a = a ?? join(this.dir ?? tmpdir(), 'device');
    this.b = b ?? join(this.dir ?? tmpdir(), 'host');
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  async start(): Promise<this> {
    if (this.child) return this;
    const child = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (err) =>
        reject(
          new HardwareError('UNSUPPORTED', `cannot start socat (apt-get install socat): ${err.message}`),
        ),
      );
      child.once('exit', (code) => reject(new HardwareError('DEVICE_IO', `socat exited early (${code})`)));
    });
    // socat logs "starting data transfer loop" once both ends exist.
    const ready = new Promise<void>((resolve) => {
      let log = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('starting data transfer loop') && existsSync(this.a) && existsSync(this.b))
          resolve();
      });
    });
    await Promise.race([ready, exited]);
    exited.catch(() => undefined);
    return this;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await gone;
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
