// Bundles the Electron main process and preload to CommonJS (electron/dist/*.cjs) with esbuild,
// which comes with Vite. `electron` stays external: the packaged app gets it from electron-builder.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
for (const entry of ['main', 'preload']) {
  await build({
    entryPoints: [path.join(here, `${entry}.ts`)],
    outfile: path.join(here, 'dist', `${entry}.cjs`),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    logLevel: 'warning',
  });
}
