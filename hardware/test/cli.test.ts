import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Printer, PtyPair, SerialScanner, SerialTransport, type ScanEvent } from '../src/index';
import { sampleReceipt } from './fixtures';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'hardware.mjs');

function run(args: string[]): {
  done: Promise<number>;
  output: () => string;
  pid: number | undefined;
  stop: () => void;
} {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { done, output: () => out, pid: child.pid, stop: () => child.kill('SIGTERM') };
}

describe('the CLI simulators, as the README runs them', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });

  it('simulate scanner types codes into a pty that a scanner reads', async () => {
    const pty = await new PtyPair().start();
    cleanup.push(() => pty.dispose());
    const scanner = new SerialScanner('cli', pty.b);
    cleanup.push(() => scanner.close());
    await scanner.start();
    const scans: ScanEvent[] = [];
    const got = new Promise<void>((resolve) =>
      scanner.on('scan', (s) => {
        scans.push(s);
        if (scans.length === 2) resolve();
      }),
    );
    const cli = run([
      'simulate',
      'scanner',
      '--port',
      pty.a,
      '--aim',
      ']E0',
      '--delay',
      '10',
      '4006381333931',
      '5901234123457',
    ]);
    expect(await cli.done).toBe(0);
    await got;
    expect(scans.map((s) => [s.data, s.symbology])).toEqual([
      ['4006381333931', 'ean13'],
      ['5901234123457', 'ean13'],
    ]);
  });

  it('simulate printer shows what a printer prints and answers its status requests', async () => {
    const pty = await new PtyPair().start();
    cleanup.push(() => pty.dispose());
    const cli = run(['simulate', 'printer', '--port', pty.a, '--paper-low']);
    cleanup.push(() => cli.stop());
    while (!cli.output().includes('printer simulator on')) await new Promise((r) => setTimeout(r, 20));
    const printer = new Printer('cli-printer', pty.b, new SerialTransport(), {
      columns: 32,
      statusIntervalMs: 0,
    });
    cleanup.push(() => printer.close());
    await printer.start();
    expect(printer.health.state).toBe('paper_low');
    const job = printer.print(sampleReceipt);
    expect(await printer.waitForJob(job.id)).toMatchObject({ state: 'printed' });
    while (!cli.output().includes('partial cut')) await new Promise((r) => setTimeout(r, 20));
    expect(cli.output()).toContain('Kassa Market');
    expect(cli.output()).toMatch(/TOTAL +EUR 6\.47/);
    expect(cli.output()).toContain('[QR https://kassa.example/r/ord_000123]');
  });

  it('answers a bad command with a structured error and a non-zero exit', async () => {
    const cli = run(['simulate', 'scanner']);
    expect(await cli.done).toBe(1);
    expect(JSON.parse(cli.output().trim())).toMatchObject({ error: { code: 'INVALID_CONFIG' } });
  });
});
