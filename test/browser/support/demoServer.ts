import type { AddressInfo } from 'node:net';
import { createServer, type ViteDevServer } from 'vite';
import { repoRoot } from '../../support/repoPaths';

export interface DemoServer {
  /** Origin of the demo, e.g. http://127.0.0.1:41235 (the demo page is at /). */
  origin: string;
  close(): Promise<void>;
}

/**
 * Starts the demo exactly as `npm run demo` does (vite.config.ts: demo/ as
 * root, the volume server with ?rate=, /volume-cache-sw.js), on a free port
 * and with nothing that could reload a page mid-test: no HMR, no file
 * watching, dependencies optimised up front. Its own origin also gives the
 * demo its own OPFS, IndexedDB and service worker, apart from the shared test server's.
 */
export async function startDemoServer(): Promise<DemoServer> {
  const server: ViteDevServer = await createServer({
    configFile: `${repoRoot}vite.config.ts`,
    mode: 'development',
    cacheDir: `${repoRoot}node_modules/.vite-demo-tests`,
    logLevel: 'warn',
    clearScreen: false,
    server: { port: 0, strictPort: false, hmr: false, watch: null },
    optimizeDeps: {
      // Optimised up front and nothing discovered later (as in globalSetup.ts),
      // so Vite never reloads a page mid-test for a newly found dependency.
      include: ['@niivue/niivue', 'nifti-reader-js', 'comlink', 'idb', 'hash-wasm', 'workbox-window'],
      noDiscovery: true,
    },
  });
  await server.listen();
  const { port } = server.httpServer?.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => server.close() };
}
