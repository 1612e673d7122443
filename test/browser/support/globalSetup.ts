import type { AddressInfo } from 'node:net';
import { createServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { resolveChromium } from '../../support/chromium.mjs';
import { repoRoot, sharedDataDir } from '../../support/repoPaths';
import { serviceWorkerScriptPlugin } from '../../server/serviceWorkerScript';
import { testServerPlugin } from '../../server/testServerPlugin';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the dev server hosting test pages, /src and the fault-injecting data routes. */
    baseURL: string;
  }
}

/** Starts one dev server for the whole browser test run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fail the run up front, with the fix, rather than in every test file.
  resolveChromium();

  const server = await createServer({
    configFile: false,
    root: repoRoot,
    // Own cache dir: the demo's dev server may be running from the same checkout.
    cacheDir: `${repoRoot}node_modules/.vite-browser-tests`,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [testServerPlugin(), serviceWorkerScriptPlugin()],
    worker: { format: 'es' },
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      fs: { allow: [repoRoot, sharedDataDir] },
      // Pages must never reload mid-test, e.g. because src/ was saved during a
      // run. (ws: false would be stricter but makes every page log three
      // console errors from the Vite client failing to connect.)
      hmr: false,
      watch: null,
    },
    optimizeDeps: {
      // Pre-bundled up front and nothing discovered later, so the first page
      // load already gets the final dependency URLs.
      include: ['idb', 'comlink', 'nifti-reader-js', 'hash-wasm', 'workbox-window'],
      noDiscovery: true,
    },
  });
  await server.listen();
  const { port } = server.httpServer?.address() as AddressInfo;
  project.provide('baseURL', `http://127.0.0.1:${port}`);

  return () => server.close();
}
