import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// Built by setup (`npm run build -w store-hub`), served by the hub at /console/.
export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  build: { outDir: path.join(here, 'dist'), emptyOutDir: true, sourcemap: false },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:8750', '/socket.io': { target: 'http://127.0.0.1:8750', ws: true } },
  },
});
