import type { AddressInfo } from 'node:net';
import { createServer } from 'vite';
import { testServerPlugin } from '../../server/testServerPlugin.ts';
import { repoRoot } from '../../support/repoPaths.ts';
import type { PackagedApp } from './describePackagedApp.ts';

/**
 * The `vite` dev server on a fixture app, with Vite's defaults (dependency
 * pre-bundling included: a consumer would not know to exclude the package),
 * plus the test server's volume and control routes on the same origin.
 */
export async function startViteDevApp(appDir: string): Promise<PackagedApp> {
  const server = await createServer({
    configFile: false,
    root: appDir,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [testServerPlugin()],
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      // The package's dependencies live in the repository's node_modules, above
      // the app (an install would put them in the app's own): allow serving them.
      fs: { allow: [appDir, `${repoRoot}node_modules`] },
      // The page must not reload mid-test when files are written nearby.
      hmr: false,
      watch: null,
    },
  });
  await server.listen();
  const { port } = server.httpServer?.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return { pageURL: `${origin}/`, origin, close: () => server.close() };
}
