import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { SERVICE_WORKER_BUILD_PROBE, SERVICE_WORKER_BUILD_ROUTE } from '../../server/serviceWorkerScript';
import { urlFor } from './harness';

/**
 * Makes the test server hand out test build `build` of /volume-cache-sw.js from now on (0: the plain script),
 * claiming library version `version` when given (a service worker copied from another release).
 */
export async function setServiceWorkerBuild(build: number, version?: string): Promise<void> {
  const query = `build=${build}${version === undefined ? '' : `&version=${encodeURIComponent(version)}`}`;
  const response = await fetch(urlFor(`${SERVICE_WORKER_BUILD_ROUTE}?${query}`), { method: 'POST' });
  if (!response.ok) throw new Error(`POST ${SERVICE_WORKER_BUILD_ROUTE}: ${response.status} ${await response.text()}`);
}

/** The builds of /volume-cache-sw.js the test server handed out since the last setServiceWorkerBuild(), in order. */
export async function servedServiceWorkerBuilds(): Promise<number[]> {
  const response = await fetch(urlFor(SERVICE_WORKER_BUILD_ROUTE));
  if (!response.ok) throw new Error(`GET ${SERVICE_WORKER_BUILD_ROUTE}: ${response.status}`);
  return ((await response.json()) as { served: number[] }).served;
}

export type ServiceWorkerSlot = 'controller' | 'active' | 'waiting' | 'installing';

/**
 * Which test build runs in each slot, as seen from `page`: the page's
 * controller and its registration's active, waiting and installing workers
 * (null where the slot is empty). Each worker answers for itself over a
 * MessagePort, so this is the script really running, not a URL.
 */
export function serviceWorkerBuildsSeenBy(page: Page): Promise<Record<ServiceWorkerSlot, number | null>> {
  return page.evaluate(async (probe) => {
    const ask = (worker: ServiceWorker | null | undefined): Promise<number | null> => {
      if (!worker) return Promise.resolve(null);
      const channel = new MessageChannel();
      return new Promise<number | null>((resolve) => {
        channel.port1.onmessage = (event) => resolve(event.data as number);
        // A worker that is not a test build never answers; -1 says so instead of hanging.
        setTimeout(() => resolve(-1), 5_000);
        worker.postMessage(probe, [channel.port2]);
      });
    };
    const registration = await navigator.serviceWorker.getRegistration();
    const [controller, active, waiting, installing] = await Promise.all([
      ask(navigator.serviceWorker.controller),
      ask(registration?.active),
      ask(registration?.waiting),
      ask(registration?.installing),
    ]);
    return { controller, active, waiting, installing };
  }, SERVICE_WORKER_BUILD_PROBE);
}

/** A service worker version as DevTools reports it (ServiceWorker.workerVersionUpdated). */
export interface ServiceWorkerVersion {
  versionId: string;
  registrationId: string;
  scriptURL: string;
  runningStatus: 'stopped' | 'starting' | 'running' | 'stopping';
  status: 'new' | 'installing' | 'installed' | 'activating' | 'activated' | 'redundant';
}

/**
 * The DevTools view of the browser's service workers: what the browser
 * itself does to them (start, stop), which a page cannot observe or cause.
 */
export class ServiceWorkerDevTools {
  private readonly versions = new Map<string, ServiceWorkerVersion>();

  private constructor(private readonly session: CDPSession) {
    session.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: ServiceWorkerVersion[] }) => {
      for (const version of versions) this.versions.set(version.versionId, version);
    });
  }

  static async attach(context: BrowserContext, page: Page): Promise<ServiceWorkerDevTools> {
    const session = await context.newCDPSession(page);
    const devTools = new ServiceWorkerDevTools(session);
    await session.send('ServiceWorker.enable');
    return devTools;
  }

  /** The versions whose script URL contains `script`, latest state of each. */
  list(script = '/volume-cache-sw.js'): ServiceWorkerVersion[] {
    return [...this.versions.values()].filter((version) => version.scriptURL.includes(script));
  }

  /** The versions running now (the browser started them for an event and has not stopped them). */
  running(): ServiceWorkerVersion[] {
    return this.list().filter((version) => version.runningStatus === 'running');
  }

  /** What the browser does when it stops an idle or misbehaving worker: the worker's context is torn down mid-whatever. */
  async stopAll(): Promise<void> {
    await this.session.send('ServiceWorker.stopAllWorkers');
  }

  async stop(versionId: string): Promise<void> {
    await this.session.send('ServiceWorker.stopWorker', { versionId });
  }

  async detach(): Promise<void> {
    await this.session.send('ServiceWorker.disable').catch(() => undefined);
    await this.session.detach().catch(() => undefined);
  }
}
