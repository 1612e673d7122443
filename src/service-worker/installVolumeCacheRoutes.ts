/// <reference lib="webworker" />
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { VolumeCacheError } from '../errors';
import { MetadataStore } from '../metadata/MetadataStore';
import { subscribeToCacheChanges } from '../shared/cacheChanges';
import { isUsableKey } from '../shared/isUsableKey';
import { ENCRYPTION_KEY_MESSAGE, VERSION_MESSAGE } from '../shared/serviceWorkerConfig';
import type { RecordedServiceWorkerStatus, ServiceWorkerEngine } from '../protocol';
import type { MissingCapability } from '../types';
import { VERSION } from '../version';
import { createEngine } from '../engine/createEngine';
import { createVolumeRequestHandler } from './createVolumeRequestHandler';
import { createVolumeMatcher, type VolumeMatcher } from './matchesVolumeRequest';
import { DEFAULT_SERVICE_WORKER_CONFIG, type ServiceWorkerConfig } from '../shared/serviceWorkerConfig';

declare const self: ServiceWorkerGlobalScope;

export interface InstallVolumeCacheRoutesOptions extends Partial<ServiceWorkerConfig> {
  /** Decides which requests are volumes; overrides extensions/pathPrefixes/patterns/origins. */
  match?: VolumeMatcher;
}

/**
 * Adds volume-cache's routes to a service worker (the prebuilt one, or an
 * application's own Workbox service worker). Storage is opened lazily on the
 * first volume request, so install and activate stay fast.
 */
export function installVolumeCacheRoutes(options: InstallVolumeCacheRoutesOptions = {}): void {
  const config: ServiceWorkerConfig = { ...DEFAULT_SERVICE_WORKER_CONFIG, ...options };
  const match = options.match ?? createVolumeMatcher(config, self.location.origin);
  let started: Promise<{ engine: ServiceWorkerEngine | null; handle: ReturnType<typeof createVolumeRequestHandler> }> | null = null;
  // An encrypted partition's key comes from a page, lives in memory only, and is lost when the browser stops this worker.
  let encryptionKey: CryptoKey | undefined;
  const failures: FailureLog = { count: 0, last: null };

  const handlerFor = async (): Promise<ReturnType<typeof createVolumeRequestHandler>> => {
    started ??= openEngine(config, encryptionKey, failures).then(({ engine, status }) => ({
      engine,
      handle: createVolumeRequestHandler(engine, config, status.mode, undefined, (error) => reopenAfter(error, engine)),
    }));
    return (await started).handle;
  };

  /** Drops the engine that is open (or opening); the next volume request opens the partition afresh. */
  const dropEngine = async (): Promise<void> => {
    const previous = started;
    started = null;
    await (await previous?.catch(() => null))?.engine?.close();
  };

  /**
   * A storage failure (the database closed under the engine, its folder
   * removed): counted, and the partition reopened at once, so the failure
   * shows in stats() and caching resumes without a browser restart.
   */
  const reopenAfter = (error: unknown, failed: ServiceWorkerEngine | null): void => {
    failures.count += 1;
    failures.last = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (!started) return;
    void started.then(async (current) => {
      if (current.engine !== failed) return; // already reopened
      await dropEngine();
      await handlerFor().catch(() => undefined);
    });
  };

  // Log-out (destroy() or clearOnLogout() in any tab): the partition is gone, and its key with it.
  // The next request, after the next log-in, opens it afresh instead of failing on a deleted database.
  subscribeToCacheChanges(config.name, (change) => {
    if (change.type !== 'destroyed') return;
    encryptionKey = undefined;
    void dropEngine();
  });

  self.addEventListener('message', (event) => {
    const message = event.data as { type?: string; name?: string; key?: unknown } | null;
    // Any page may ask which release this is, to notice a file not copied again after an upgrade.
    if (message?.type === VERSION_MESSAGE) return void event.ports[0]?.postMessage(VERSION);
    if (message?.type !== ENCRYPTION_KEY_MESSAGE || message.name !== config.name || !isUsableKey(message.key)) return;
    encryptionKey = message.key;
    // Reopen with the key at the next request.
    event.waitUntil(
      (async () => {
        await dropEngine();
        event.ports[0]?.postMessage('ok');
      })(),
    );
  });

  for (const method of ['GET', 'HEAD'] as const) {
    registerRoute(
      ({ url }) => match(url),
      async ({ request, event }) => {
        const handle = await handlerFor();
        const fetchEvent = event as FetchEvent;
        return handle({ request: request as Request, waitUntil: (promise) => fetchEvent.waitUntil(promise) });
      },
      method,
    );
  }

  if (config.offlineShell) {
    registerRoute(
      ({ url }) => url.origin === self.location.origin && !match(url),
      // ignoreVary: dev servers and CDNs send Vary: Origin, and module scripts are
      // requested with an Origin header a plain fetch() lacks; without it the
      // copies would never match the page's own requests offline.
      new NetworkFirst({ cacheName: `volume-cache-shell:${config.name}`, matchOptions: { ignoreVary: true } }),
      'GET',
    );
  }

  if (config.skipWaiting) self.addEventListener('install', () => void self.skipWaiting());
  if (config.clientsClaim) self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
}

/** Storage failures since this service worker started (see ServiceWorkerStatus.failures). */
interface FailureLog {
  count: number;
  last: string | null;
}

async function openEngine(
  config: ServiceWorkerConfig,
  encryptionKey: CryptoKey | undefined,
  failures: Readonly<FailureLog>,
): Promise<{ engine: ServiceWorkerEngine | null; status: RecordedServiceWorkerStatus }> {
  const engine = createEngine();
  try {
    // No thumbnails here: decoding volumes is the page's worker's job, not the service worker's.
    const info = await engine.init({
      name: config.name,
      verifyOnRead: false,
      thumbnails: false,
      reuseOpenedFileMs: config.reuseOpenedFileMs,
      ...(encryptionKey ? { encryptionKey } : {}),
    });
    const missing: MissingCapability[] = [...info.missing];
    const canWrite = typeof FileSystemFileHandle !== 'undefined' && 'createWritable' in FileSystemFileHandle.prototype;
    const status: RecordedServiceWorkerStatus = {
      mode: info.mode !== 'opfs' ? 'pass-through' : canWrite ? 'read-write' : 'read-only',
      missing,
      startedAt: Date.now(),
      version: VERSION,
      failures: failures.count,
      lastFailure: failures.last,
    };
    if (status.mode === 'pass-through') {
      await recordStatusWithoutEngine(config.name, status);
      return { engine: null, status };
    }
    await engine.setServiceWorkerStatus(status).catch(() => undefined);
    return { engine, status };
  } catch (error) {
    if (!(error instanceof VolumeCacheError)) throw error;
    return { engine: null, status: { mode: 'pass-through', missing: [], startedAt: Date.now(), version: VERSION } };
  }
}

/** Without OPFS the engine keeps no database open; pages still learn the mode if IndexedDB works. */
async function recordStatusWithoutEngine(partition: string, status: RecordedServiceWorkerStatus): Promise<void> {
  try {
    const store = await MetadataStore.open(partition);
    await store.putServiceWorkerStatus(status);
    store.close();
  } catch {
    // No IndexedDB either: nothing can be recorded, and stats() reports null.
  }
}
