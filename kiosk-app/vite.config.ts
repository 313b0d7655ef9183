import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the hub at /kiosk/ (same origin as the API and socket.io).
export default defineConfig({
  base: '/kiosk/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
});
