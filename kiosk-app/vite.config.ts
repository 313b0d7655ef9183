import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { kioskServiceWorker } from './src/sw/plugin';

// Served by the hub at /kiosk/ (same origin as the API and socket.io). The service worker
// (src/sw/) keeps the built shell so a reload works while the hub is away.
export default defineConfig({
  base: '/kiosk/',
  plugins: [react(), kioskServiceWorker()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
});
