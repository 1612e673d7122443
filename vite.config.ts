import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { serviceWorkerBuildConfig, serviceWorkerScriptPlugin } from './test/server/serviceWorkerScript.ts';
import { testServerPlugin } from './test/server/testServerPlugin.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

// One config for four jobs: `vite build` builds the library (page entry + its
// worker), `vite build --mode service-worker` the prebuilt service worker,
// `vite` serves the demo from demo/, and vitest runs the unit and browser
// test projects.
export default defineConfig(({ command, mode }) => mode === 'service-worker' ? serviceWorkerBuildConfig(true) : ({
  root: command === 'serve' ? `${root}demo` : root,
  publicDir: `${root}public`,
  // The demo serves the real volumes in ../shared/data through the same local
  // volume server the browser tests use (ETag, Range, 304, optional ?rate= throttle).
  plugins: command === 'serve' ? [testServerPlugin(), serviceWorkerScriptPlugin()] : [],
  server: { host: '127.0.0.1', port: 5173, fs: { allow: [root] } },
  worker: { format: 'es' },
  build: {
    outDir: `${root}dist`,
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    copyPublicDir: false,
    lib: {
      entry: { index: `${root}src/index.ts`, 'service-worker': `${root}src/service-worker/index.ts` },
      formats: ['es'],
    },
    rollupOptions: {
      // Dependencies stay imports so the application's bundler dedupes them.
      external: ['idb', 'comlink', 'nifti-reader-js', 'hash-wasm', /^workbox-/],
    },
  },
  test: {
    root,
    projects: [
      {
        test: {
          name: 'unit',
          root,
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
      {
        test: {
          name: 'browser',
          root,
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/support/globalSetup.ts'],
          // Two cores: one Chromium at a time keeps timings and memory sane.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
}));
