import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Connect } from 'vite';
import { FaultBudget } from '../../server/faultBudget.ts';
import { RequestLog } from '../../server/requestLog.ts';
import { testControlRoutes } from '../../server/testControlRoutes.ts';
import { volumeRoutes } from '../../server/volumeRoutes.ts';
import { sharedDataDir } from '../../support/repoPaths.ts';

export interface FixtureServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  close(): Promise<void>;
}

/** URL path prefix (starting and ending with "/") → the directory it serves. */
export type StaticMounts = Record<string, string>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  // Module workers and service workers refuse anything but a JavaScript MIME type.
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
};

/**
 * A plain static file server for built fixture apps, as a site's host would
 * serve them (no dev-server rewriting), plus the repository's volume routes
 * (/gen, /data) and test control routes (/__test/requests, /__test/reset)
 * on the same origin, as testServerPlugin() mounts them on Vite.
 */
export async function startFixtureServer(mounts: StaticMounts): Promise<FixtureServer> {
  const log = new RequestLog();
  const budget = new FaultBudget();
  const handlers: Connect.NextHandleFunction[] = [
    testControlRoutes(log, budget),
    volumeRoutes({ dataDir: sharedDataDir, log, budget }),
    staticFiles(mounts),
  ];
  const server = createServer((request, response) => {
    let index = 0;
    const next = (error?: unknown): void => {
      const handler = handlers[index++];
      if (error !== undefined || !handler) {
        response.writeHead(error === undefined ? 404 : 500, { 'Content-Type': 'text/plain; charset=utf-8' });
        response.end(error === undefined ? 'not found\n' : `fixture server error: ${String(error)}\n`);
        return;
      }
      handler(request as Connect.IncomingMessage, response, next);
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function staticFiles(mounts: StaticMounts): Connect.NextHandleFunction {
  // Longest prefix first, so /vendor/x/ wins over /.
  const ordered = Object.entries(mounts).sort(([a], [b]) => b.length - a.length);
  return (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    const { pathname } = new URL(request.url ?? '/', 'http://fixture.invalid');
    const mount = ordered.find(([prefix]) => pathname.startsWith(prefix));
    if (!mount) return next();
    const [prefix, dir] = mount;
    const relative = normalize(decodeURIComponent(pathname.slice(prefix.length)));
    if (relative.startsWith('..')) return next();
    sendFile(request, response, join(dir, relative.endsWith('/') || relative === '.' ? join(relative, 'index.html') : relative)).catch(() => next());
  };
}

async function sendFile(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a file`);
  const body = await readFile(path);
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
