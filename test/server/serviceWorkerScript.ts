import { build, type InlineConfig, type Plugin } from 'vite';
import { repoRoot } from '../support/repoPaths.ts';

export const SERVICE_WORKER_FILE = 'volume-cache-sw.js';

/**
 * How the prebuilt service worker is bundled: one classic script (module
 * service workers are not everywhere yet), dependencies inlined, Workbox's
 * development logging compiled out. `npm run build` writes it to dist/; the
 * dev server (demo and browser tests) builds the same thing in memory.
 */
export function serviceWorkerBuildConfig(write: boolean): InlineConfig {
  return {
    configFile: false,
    root: repoRoot,
    logLevel: 'warn',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      write,
      outDir: `${repoRoot}dist`,
      emptyOutDir: false,
      copyPublicDir: false,
      sourcemap: write,
      target: 'es2022',
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

/** Serves /volume-cache-sw.js from an in-memory build, as an application would serve the file from dist/. */
export function serviceWorkerScriptPlugin(): Plugin {
  let script: Promise<string> | null = null;
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
  return {
    name: 'volume-cache-service-worker-script',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        if (new URL(request.url ?? '/', 'http://x').pathname !== `/${SERVICE_WORKER_FILE}`) return next();
        script ??= bundle();
        script.then(
          (code) => {
            response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' });
            response.end(code);
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
