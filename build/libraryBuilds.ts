import { fileURLToPath } from 'node:url';
import type { InlineConfig, UserConfig } from 'vite';
import { SHIPPED_WORKERS, shippedWorkerUrls } from './shippedWorkerUrls.ts';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

export const SERVICE_WORKER_FILE = 'volume-cache-sw.js';

/** The page's dependencies stay imports, so the application's bundler dedupes them with its own copies. */
const PAGE_EXTERNALS = ['idb', 'comlink', 'nifti-reader-js', 'hash-wasm', /^workbox-/];

const shared = {
  configFile: false,
  root: repoRoot,
  logLevel: 'warn',
  // No public/ in the package: it holds the demo's volumes.
  publicDir: false,
} satisfies InlineConfig;

/** What every build writing into dist/ shares. */
const distOutput = {
  outDir: `${repoRoot}dist`,
  sourcemap: true,
  target: 'es2022',
  copyPublicDir: false,
} as const;

/**
 * The page entries (`volume-cache`, `volume-cache/service-worker`): ES
 * modules that import their dependencies, with the shipped workers referenced
 * as `new URL('./worker.js', import.meta.url)` for the application's bundler
 * to follow. `npm run build` runs this first; it empties dist/.
 */
export function pageBuildConfig(): UserConfig {
  return {
    ...shared,
    plugins: [shippedWorkerUrls(repoRoot)],
    build: {
      ...distOutput,
      emptyOutDir: true,
      lib: {
        entry: {
          index: `${repoRoot}src/index.ts`,
          'service-worker': `${repoRoot}src/service-worker/index.ts`,
          // The "node" condition's stand-in: Workbox cannot be imported in Node.
          'service-worker.node': `${repoRoot}src/service-worker/index.node.ts`,
        },
        formats: ['es'],
      },
      rolldownOptions: { external: PAGE_EXTERNALS },
    },
  };
}

/**
 * One worker script, dependencies inlined, in one file with a stable name:
 * served as is (an import map cannot reach into a worker, so it may import
 * nothing bare) or re-bundled by the application's bundler, which follows the
 * nested hash worker's literal URL in it too.
 */
export function workerBuildConfig(source: keyof typeof SHIPPED_WORKERS & string): UserConfig {
  const fileName = SHIPPED_WORKERS[source]!;
  return {
    ...shared,
    plugins: [shippedWorkerUrls(repoRoot)],
    build: {
      ...distOutput,
      emptyOutDir: false,
      // Minified: served as is, nothing else would shrink it (the map keeps it debuggable).
      minify: true,
      lib: { entry: `${repoRoot}${source}`, formats: ['es'], fileName: () => fileName },
      rolldownOptions: { output: { codeSplitting: false } },
    },
  };
}

/**
 * The prebuilt service worker: one classic script (module service workers are
 * not everywhere yet), dependencies inlined, Workbox's development logging
 * compiled out. `npm run build` writes it to dist/; the dev server (demo and
 * browser tests) builds the same thing in memory.
 */
export function serviceWorkerBuildConfig(write: boolean): InlineConfig {
  return {
    ...shared,
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      ...distOutput,
      write,
      emptyOutDir: false,
      sourcemap: write,
      minify: write,
      lib: {
        entry: `${repoRoot}src/service-worker/sw.ts`,
        formats: ['iife'],
        name: 'volumeCacheServiceWorker',
        fileName: () => SERVICE_WORKER_FILE,
      },
    },
  };
}
