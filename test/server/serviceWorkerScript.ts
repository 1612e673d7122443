import type { ServerResponse } from 'node:http';
import { build, type Plugin } from 'vite';
import { SERVICE_WORKER_FILE, serviceWorkerBuildConfig } from '../../build/libraryBuilds.ts';
import { VERSION } from '../../src/version.ts';

export { SERVICE_WORKER_FILE };

/** Where tests choose which build of the service worker the server hands out (see serviceWorkerScriptPlugin). */
export const SERVICE_WORKER_BUILD_ROUTE = '/__test/service-worker-build';

/** The message a test build answers, on the MessagePort sent with it, with its build number. */
export const SERVICE_WORKER_BUILD_PROBE = 'volume-cache-test:build';

/**
 * A numbered test build: the real script, then a comment and a message
 * listener that answer the build number. The bytes differ per number, so the
 * browser installs a new build as an update of the same script URL (as when a
 * site deploys a new dist/volume-cache-sw.js), and a test can ask each
 * ServiceWorker (active, waiting, controller) which build it runs. The
 * listener never touches fetch events: the routes under test are the real ones.
 */
export function withTestBuild(code: string, build: number, version: string | null = null): string {
  // A build claiming another library version: a service worker copied from another release.
  if (version !== null) code = code.replaceAll(JSON.stringify(VERSION), JSON.stringify(version));
  if (build === 0) return code;
  const probe = JSON.stringify(SERVICE_WORKER_BUILD_PROBE);
  return `${code}
// volume-cache test build ${build}
self.addEventListener('message', (event) => {
  if (event.data === ${probe} && event.ports[0]) event.ports[0].postMessage(${build});
});
`;
}

/**
 * Serves /volume-cache-sw.js from an in-memory build, as an application would
 * serve the file from dist/. For update tests:
 * POST SERVICE_WORKER_BUILD_ROUTE?build=<n>[&version=<v>]  later script requests get test build n (0: the plain
 *                                            script), claiming library version v if given
 * GET  SERVICE_WORKER_BUILD_ROUTE            JSON { build, version, served }: the current build and the builds served so far
 * POST forgets what was served; the plain script is served until a test asks otherwise.
 */
export function serviceWorkerScriptPlugin(): Plugin {
  let script: Promise<string> | null = null;
  let currentBuild = 0;
  let currentVersion: string | null = null;
  let served: number[] = [];
  const bundle = async (): Promise<string> => {
    const output = await build(serviceWorkerBuildConfig(false));
    const results = Array.isArray(output) ? output : [output];
    for (const result of results) {
      if (!('output' in result)) continue;
      const chunk = result.output.find((item) => item.type === 'chunk');
      if (chunk && chunk.type === 'chunk') return chunk.code;
    }
    throw new Error('the service worker build produced no script');
  };
  const sendJson = (response: ServerResponse, value: unknown, status = 200): void => {
    response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    response.end(JSON.stringify(value));
  };
  return {
    name: 'volume-cache-service-worker-script',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const url = new URL(request.url ?? '/', 'http://x');
        if (url.pathname === SERVICE_WORKER_BUILD_ROUTE) {
          if (request.method === 'GET') return sendJson(response, { build: currentBuild, version: currentVersion, served });
          const requested = url.searchParams.get('build') ?? '';
          // A typo must not silently mean "no change": the update under test would never happen.
          if (request.method !== 'POST' || !/^\d+$/.test(requested)) return sendJson(response, { error: 'POST ?build=<non-negative integer>' }, 400);
          currentBuild = Number(requested);
          currentVersion = url.searchParams.get('version');
          served = [];
          return sendJson(response, { build: currentBuild, version: currentVersion, served });
        }
        if (url.pathname !== `/${SERVICE_WORKER_FILE}`) return next();
        script ??= bundle();
        const servedBuild = currentBuild;
        const servedVersion = currentVersion;
        script.then(
          (code) => {
            served.push(servedBuild);
            response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' });
            response.end(withTestBuild(code, servedBuild, servedVersion));
          },
          (error: unknown) => {
            script = null;
            response.writeHead(500, { 'Content-Type': 'text/plain' });
            response.end(`service worker build failed: ${String(error)}`);
          },
        );
      });
    },
  };
}
