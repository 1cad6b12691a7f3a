import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The FastAPI backend (`dataquery serve`) listens here during development;
// in production it serves web/dist itself, so the app always calls the API on its own origin.
const backend = 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // antd is large by nature; keep the warning for chunks that are bigger than that.
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    testTimeout: 20_000,
    restoreMocks: true,
    unstubGlobals: true,
  },
});
