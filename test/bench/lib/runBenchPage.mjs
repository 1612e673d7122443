// The comparison benches (hashers/, decode/) each serve one folder's page and
// wait for the result its worker reports: this owns that round trip.
import { createServer } from 'vite';
import { launchBenchChromium, runReportingPage } from './chromium.mjs';

/**
 * Serves `root` with Vite on 127.0.0.1 (packages' ESM as-is: no dependency
 * pre-bundling, which could reload the page mid-run), opens `/?<query>` in a
 * fresh headless Chromium and resolves with what the page reports.
 * @param {{ root: string, repoRoot: string, cacheDir: string, plugins?: import('vite').PluginOption[], query: string, timeoutMs: number }} options
 * @returns {Promise<{ result: any, chromium: string }>}
 */
export async function runBenchPage({ root, repoRoot, cacheDir, plugins = [], query, timeoutMs }) {
  const server = await createServer({
    configFile: false,
    root,
    cacheDir,
    publicDir: false,
    logLevel: 'warn',
    plugins,
    optimizeDeps: { noDiscovery: true, include: [] },
    server: { host: '127.0.0.1', port: 0, hmr: false, ws: false, fs: { allow: [repoRoot] } },
    worker: { format: 'es' },
  });
  await server.listen();
  const { port } = server.httpServer.address();
  const chromium = await launchBenchChromium('compare');
  try {
    const result = await runReportingPage(chromium.context, `http://127.0.0.1:${port}/?${query}`, timeoutMs);
    return { result, chromium: chromium.version() };
  } finally {
    await chromium.close();
    await server.close();
  }
}
