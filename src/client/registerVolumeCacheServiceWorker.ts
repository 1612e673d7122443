import type { Workbox } from 'workbox-window';
import { VolumeCacheError } from '../errors';
import { ENCRYPTION_KEY_MESSAGE, VERSION_MESSAGE, encodeServiceWorkerConfig } from '../shared/serviceWorkerConfig';
import { VERSION } from '../version';
import type { RegisterServiceWorkerOptions } from '../types';
import { parseEncryptionOption } from '../shared/parseEncryptionOption';
import { serviceWorkerConfigFrom } from './serviceWorkerConfigFrom';
import { warnOnce } from './warnOnce';

export interface VolumeCacheServiceWorker {
  workbox: Workbox;
  registration: ServiceWorkerRegistration;
  /**
   * The library version of the service worker now controlling the page; null
   * if it did not say (a file from before versions were announced). When it
   * differs from this library's, the console says so once.
   */
  version: string | null;
  /** Removes the service worker; cached volumes stay (use the cache's clear() for those). */
  unregister(): Promise<boolean>;
}

/**
 * Registers the prebuilt service worker with workbox-window and resolves once
 * it controls this page, so the page's next fetch of a volume goes through it.
 */
export async function registerVolumeCacheServiceWorker(options: RegisterServiceWorkerOptions = {}): Promise<VolumeCacheServiceWorker> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) {
    throw new VolumeCacheError('unsupported', 'Service workers are not available here (they need a secure context: https or localhost).');
  }
  const config = serviceWorkerConfigFrom(options);
  const encryptionKey = parseEncryptionOption(options.encryption);
  const scriptURL = new URL(options.scriptURL ?? '/volume-cache-sw.js', location.href);
  for (const [name, value] of encodeServiceWorkerConfig(config)) scriptURL.searchParams.append(name, value);

  // Loaded here, not at import: a page that never registers the service
  // worker does not pay for workbox-window, and importing this module during
  // server-side rendering does not evaluate it.
  const { Workbox } = await import('workbox-window');
  const workbox = new Workbox(scriptURL.href, { scope: options.scope ?? '/' });
  let registration: ServiceWorkerRegistration | undefined;
  try {
    registration = await workbox.register({ immediate: true });
  } catch (error) {
    throw new VolumeCacheError('unsupported', `The service worker at ${scriptURL.pathname} could not be registered (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
  }
  if (!registration) throw new VolumeCacheError('unsupported', 'The service worker was not registered.');
  await controlled(scriptURL.href, config.clientsClaim);
  if (encryptionKey) await sendEncryptionKey(config.name, encryptionKey);
  const version = await askServiceWorkerVersion();
  if (version !== VERSION) {
    warnOnce(
      'version:service-worker',
      `volume-cache: the service worker at ${scriptURL.pathname} is version ${version ?? 'unknown (older than 0.1)'}, the page's library ${VERSION}. ` +
        'Copy it again from this release: npx volume-cache init <the folder your site serves it from>.',
    );
  }
  return { workbox, registration, version, unregister: () => registration.unregister() };
}

/** How long a service worker has to say its version: one from an older release never answers. */
const VERSION_ANSWER_TIMEOUT_MS = 3000;

async function askServiceWorkerVersion(): Promise<string | null> {
  const target = navigator.serviceWorker.controller ?? (await navigator.serviceWorker.ready).active;
  if (!target) return null;
  const channel = new MessageChannel();
  try {
    return await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), VERSION_ANSWER_TIMEOUT_MS);
      channel.port1.onmessage = (event: MessageEvent<unknown>) => {
        clearTimeout(timer);
        resolve(typeof event.data === 'string' ? event.data : null);
      };
      target.postMessage({ type: VERSION_MESSAGE }, [channel.port2]);
    });
  } finally {
    channel.port1.close();
  }
}

/** Hands the key to the active service worker and waits until it will use it. */
async function sendEncryptionKey(name: string, key: CryptoKey): Promise<void> {
  const target = navigator.serviceWorker.controller ?? (await navigator.serviceWorker.ready).active;
  if (!target) return;
  const channel = new MessageChannel();
  const acknowledged = new Promise<void>((resolve) => {
    channel.port1.onmessage = () => resolve();
  });
  target.postMessage({ type: ENCRYPTION_KEY_MESSAGE, name, key }, [channel.port2]);
  await acknowledged;
  channel.port1.close();
}

/** Removes every volume-cache service worker registered by this origin. */
export async function unregisterVolumeCacheServiceWorker(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return false;
  let removed = false;
  for (const registration of await navigator.serviceWorker.getRegistrations()) {
    const script = registration.active ?? registration.waiting ?? registration.installing;
    if (script && /volume-cache-sw/.test(new URL(script.scriptURL).pathname)) removed = (await registration.unregister()) || removed;
  }
  return removed;
}

/** Resolves when this page is controlled by the worker for `scriptURL` (at once when it already is). */
async function controlled(scriptURL: string, clientsClaim: boolean): Promise<void> {
  await navigator.serviceWorker.ready;
  if (navigator.serviceWorker.controller?.scriptURL === scriptURL || !clientsClaim) return;
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (navigator.serviceWorker.controller?.scriptURL !== scriptURL) return;
      navigator.serviceWorker.removeEventListener('controllerchange', check);
      resolve();
    };
    navigator.serviceWorker.addEventListener('controllerchange', check);
    check();
  });
}
