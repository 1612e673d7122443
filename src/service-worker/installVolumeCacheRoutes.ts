/// <reference lib="webworker" />
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { VolumeCacheError } from '../errors';
import { MetadataStore } from '../metadata/MetadataStore';
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

  const handlerFor = async (): Promise<ReturnType<typeof createVolumeRequestHandler>> => {
    started ??= openEngine(config, encryptionKey).then(({ engine, status }) => ({ engine, handle: createVolumeRequestHandler(engine, config, status.mode) }));
    return (await started).handle;
  };

  self.addEventListener('message', (event) => {
    const message = event.data as { type?: string; name?: string; key?: unknown } | null;
    // Any page may ask which release this is, to notice a file not copied again after an upgrade.
    if (message?.type === VERSION_MESSAGE) return void event.ports[0]?.postMessage(VERSION);
    if (message?.type !== ENCRYPTION_KEY_MESSAGE || message.name !== config.name || !isUsableKey(message.key)) return;
    encryptionKey = message.key;
    // Reopen with the key at the next request.
    const previous = started;
    started = null;
    event.waitUntil(
      (async () => {
        await (await previous?.catch(() => null))?.engine?.close();
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

async function openEngine(config: ServiceWorkerConfig, encryptionKey: CryptoKey | undefined): Promise<{ engine: ServiceWorkerEngine | null; status: RecordedServiceWorkerStatus }> {
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
