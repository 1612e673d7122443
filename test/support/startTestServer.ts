import type { AddressInfo } from 'node:net';
import { createServer } from 'vite';
import { repoRoot, sharedDataDir } from './repoPaths';
import { serviceWorkerScriptPlugin } from '../server/serviceWorkerScript';
import { testServerPlugin } from '../server/testServerPlugin';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the dev server hosting test pages, /src and the fault-injecting data routes. */
    baseURL: string;
  }
}

/**
 * The dev server a browser project's tests load: the test page, /src through
 * Vite, the fault-injecting data routes and the service-worker script. Each
 * project starts its own, so each request log sees only its own browser.
 * `cacheDir` is the project's own: another project or the demo may run from
 * the same checkout.
 */
export async function startTestServer(cacheDir: string): Promise<{ baseURL: string; close(): Promise<void> }> {
  const server = await createServer({
    configFile: false,
    root: repoRoot,
    cacheDir: `${repoRoot}node_modules/${cacheDir}`,
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
  return { baseURL: `http://127.0.0.1:${port}`, close: () => server.close() };
}
