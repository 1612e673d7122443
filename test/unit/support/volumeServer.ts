import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultBudget } from '../../server/faultBudget';
import { RequestLog, type RequestRecord } from '../../server/requestLog';
import { volumeRoutes } from '../../server/volumeRoutes';
import { sharedDataDir } from '../../support/repoPaths';

/**
 * The browser tests' volume server (/data and /gen with faults from the
 * query, see test/server/faults.ts) on a real node:http server at
 * 127.0.0.1 on a free port, so Node's own fetch reaches it.
 */
export interface VolumeServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  url(path: string): string;
  /** Requests whose path (with query) starts with `pathPrefix`, oldest first. */
  requests(pathPrefix: string): RequestRecord[];
  /** Settles when the server is done with a request to `pathPrefix` (finished, or cut off by the client), with its record. */
  done(pathPrefix: string): Promise<RequestRecord>;
  close(): Promise<void>;
}

export async function startVolumeServer(): Promise<VolumeServer> {
  const log = new RequestLog();
  const routes = volumeRoutes({ dataDir: sharedDataDir, log, budget: new FaultBudget() });
  const waiting = new Set<() => void>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    routes(request, response, () => {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not a test route\n');
    });
    // After the routes, whose log marks the request done on this same event.
    response.once('close', () => {
      for (const check of [...waiting]) check();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const finished = (pathPrefix: string): RequestRecord | undefined => log.matching(pathPrefix).find((record) => record.done);
  return {
    origin,
    url: (path) => `${origin}${path}`,
    requests: (pathPrefix) => log.matching(pathPrefix),
    done: (pathPrefix) =>
      new Promise((resolve) => {
        const check = (): void => {
          const record = finished(pathPrefix);
          if (!record) return;
          waiting.delete(check);
          resolve(record);
        };
        waiting.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve, reject) => {
        // A stalled response (stall=) would keep its connection, and close(), open forever.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
