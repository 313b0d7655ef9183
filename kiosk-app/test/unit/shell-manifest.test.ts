/**
 * The app shell's manifest (src/sw/plugin.ts): what the service worker caches, and the version
 * that tells browsers a new build is out. Real files in a temp folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shellManifest, writeShellWorker } from '../../src/sw/plugin';

const dirs: string[] = [];
function build(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-shell-'));
  dirs.push(dir);
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the app shell manifest', () => {
  it('lists the built files with index.html first, never the worker itself or source maps', () => {
    const dir = build({
      'assets/index-b.js': 'b',
      'assets/index-a.css': 'a',
      'assets/index-b.js.map': '{}',
      'index.html': '<html></html>',
      'sw.js': 'old worker',
    });
    expect(shellManifest(dir).files).toEqual(['index.html', 'assets/index-a.css', 'assets/index-b.js']);
  });

  it('changes version when any file changes, and only then', () => {
    const files = { 'index.html': '<html></html>', 'assets/app-1.js': 'x' };
    const a = shellManifest(build(files));
    expect(shellManifest(build(files)).version).toBe(a.version);
    expect(shellManifest(build({ ...files, 'assets/app-1.js': 'y' })).version).not.toBe(a.version);
    expect(shellManifest(build({ ...files, 'assets/app-2.js': 'x' })).version).not.toBe(a.version);
  });

  it('writes a worker that carries the manifest, and rewriting it leaves the version alone', async () => {
    const dir = build({ 'index.html': '<html></html>', 'assets/app-1.js': 'x' });
    const m = await writeShellWorker(dir);
    const text = fs.readFileSync(path.join(dir, 'sw.js'), 'utf8');
    expect(text).toContain(m.version);
    expect(text).toContain('assets/app-1.js');
    expect((await writeShellWorker(dir)).version).toBe(m.version);
  });
});
