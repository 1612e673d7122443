import { defineConfig } from 'vitest/config';
import { pageBuildConfig, repoRoot as root, serviceWorkerBuildConfig, workerBuildConfig } from './build/libraryBuilds.ts';
import { serviceWorkerScriptPlugin } from './test/server/serviceWorkerScript.ts';
import { testServerPlugin } from './test/server/testServerPlugin.ts';
import { ProjectCountsReporter } from './test/support/ProjectCountsReporter.ts';

// One config for several jobs. `npm run build` builds the package in four
// passes (see build/libraryBuilds.ts): the page entries (default mode), the
// engine worker and the hash worker (self-contained, stable names), and the
// prebuilt service worker. `vite` serves the demo from demo/, and vitest runs
// the unit, browser (Chromium), firefox, webkit and package test projects.
const BUILDS: Record<string, () => object> = {
  'engine-worker': () => workerBuildConfig('src/worker/worker.ts'),
  'hash-worker': () => workerBuildConfig('src/worker/sha256Worker.ts'),
  'service-worker': () => serviceWorkerBuildConfig(true),
};

export default defineConfig(({ command, mode }) => BUILDS[mode]?.() ?? (command === 'build' ? pageBuildConfig() : {
  root: `${root}demo`,
  publicDir: `${root}public`,
  // The demo serves the real volumes in ../shared/data through the same local
  // volume server the browser tests use (ETag, Range, 304, optional ?rate= throttle).
  plugins: [testServerPlugin(), serviceWorkerScriptPlugin()],
  server: { host: '127.0.0.1', port: 5173, fs: { allow: [root] } },
  worker: { format: 'es' },
  test: {
    root,
    // The default summary adds the projects up; this adds a line per project (each browser's counts).
    reporters: ['default', new ProjectCountsReporter()],
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
      {
        test: {
          name: 'firefox',
          root,
          include: ['test/firefox/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/firefox/support/globalSetup.ts'],
          // Firefox ESR through puppeteer-core (WebDriver BiDi). Without file
          // parallelism, vitest runs these files one at a time in the same queue
          // as the browser and package projects': one browser at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      'test/webkit/vitest.config.ts',
      'test/package/vitest.config.ts',
    ],
  },
}));
