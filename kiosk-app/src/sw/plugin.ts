/**
 * Vite plugin: once the app is written to the output folder, lists what the shell is made of,
 * names the build after a hash of those files, and bundles src/sw/service-worker.ts into
 * `sw.js` with that manifest inside. A new build with any changed file gives a different sw.js,
 * which is how browsers learn that there is a new shell to cache.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WORKER_FILE = 'sw.js';

export interface ShellManifest {
  version: string;
  /** Paths relative to the app's base, index.html first. */
  files: string[];
}

/** The files of a built app (everything but the worker itself and source maps), and their hash. */
export function shellManifest(dir: string): ShellManifest {
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (p !== WORKER_FILE && !p.endsWith('.map')) files.push(p);
    }
  };
  walk('');
  files.sort((a, b) => (a === 'index.html' ? -1 : b === 'index.html' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const h = createHash('sha256');
  for (const f of files)
    h.update(f)
      .update('\0')
      .update(fs.readFileSync(path.join(dir, f)))
      .update('\0');
  return { version: h.digest('hex').slice(0, 16), files };
}

/** Writes `<dir>/sw.js` for the app built in `dir`. */
export async function writeShellWorker(dir: string): Promise<ShellManifest> {
  const manifest = shellManifest(dir);
  await build({
    entryPoints: [path.join(here, 'service-worker.ts')],
    outfile: path.join(dir, WORKER_FILE),
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    define: { SHELL: JSON.stringify(manifest) },
    logLevel: 'warning',
  });
  return manifest;
}

export function kioskServiceWorker(): Plugin {
  let outDir = '';
  return {
    name: 'kassa-kiosk-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      await writeShellWorker(outDir);
    },
  };
}
