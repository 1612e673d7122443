import { VolumeCacheError } from '../errors';
import { mayStoreResponse } from '../metadata/mayStoreResponse';
import { cacheKeyIgnoring } from '../metadata/cacheKeyIgnoring';
import { isEngineRequest } from '../shared/engineRequestMarker';
import type { EngineRequest, ServiceWorkerEngine } from '../protocol';
import type { ServiceWorkerStatus } from '../types';
import type { ServiceWorkerConfig } from '../shared/serviceWorkerConfig';
import { splitBody } from './splitBody';
import { bodyBytesOf, notAvailableOfflineResponse, responseFromEntry, withCacheHeader, type StoredContent } from './volumeResponses';

export interface VolumeRequestContext {
  request: Request;
  /** Keeps the service worker alive while the cache side of a miss is written. */
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * Answers one volume request in the service worker:
 * fresh entry → from OPFS (ranges and HEAD included); expired → revalidated
 * by the engine, or served stale when the network fails; miss → fetched once,
 * streamed to the page and into the cache together; offline miss → 504 JSON.
 */
export function createVolumeRequestHandler(
  engine: ServiceWorkerEngine | null,
  config: Pick<ServiceWorkerConfig, 'ignoreSearchParams' | 'cacheNoStore' | 'cacheCredentialed' | 'cacheAuthorized' | 'shared' | 'expect'>,
  mode: ServiceWorkerStatus['mode'],
  fetchFromNetwork: (request: Request) => Promise<Response> = (request) => fetch(request),
  /** Hears of engine errors that are the storage's fault, not the response's (see isStorageFailure). */
  onStorageFailure: (error: unknown) => void = () => undefined,
): (context: VolumeRequestContext) => Promise<Response> {
  if (!engine || mode === 'pass-through') return ({ request }) => fetchFromNetwork(request);
  /** Swallows what the request can survive (it is answered from the network), reporting storage failures. */
  const survive =
    <T>(fallback: T) =>
    (error: unknown): T => {
      if (isStorageFailure(error)) onStorageFailure(error);
      return fallback;
    };
  const keyOf = cacheKeyIgnoring(config.ignoreSearchParams);
  /**
   * Misses this service worker is fetching to cache, by key. The engine's
   * download lock is only taken once the response has arrived, so without
   * this a second request in that gap would download the volume again.
   */
  const missesInFlight = new Map<string, Promise<void>>();
  const claimMiss = (key: string): (() => void) => {
    let release!: () => void;
    missesInFlight.set(key, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      missesInFlight.delete(key);
      release();
    };
  };

  /**
   * Answers from the stored file and counts the hit. The response is built
   * first and the count (two IndexedDB writes) waits for it, so counting
   * never delays the bytes a viewer is waiting for. A HEAD is neither
   * counted nor a use (see countsAsLoad).
   */
  const answerFromStore = (request: Request, stored: Stored, state: 'hit' | 'stale', waitUntil: VolumeRequestContext['waitUntil']): Promise<Response> => {
    const response = responseFromEntry(request, stored.entry, contentOf(stored), state);
    if (countsAsLoad(request)) waitUntil(response.then((answer) => engine.recordHit(stored.entry, state, bodyBytesOf(request, answer))).catch(survive(undefined)));
    return response;
  };

  return async ({ request, waitUntil }) => {
    const url = new URL(request.url);
    const key = keyOf(url);
    // The cache engine's own requests (a page's cache worker downloading,
    // resuming or revalidating) go straight to the network.
    if (isEngineRequest(request)) return fetchFromNetwork(request);
    const engineRequest = (): EngineRequest => ({ requestId: crypto.randomUUID(), url: url.href, key, expect: config.expect });
    const mayCache = mode === 'read-write' && request.method === 'GET' && !request.headers.has('Range');
    let stored = await engine.lookup(key).catch(survive(null));
    // Another request here, a page's worker or another tab may be
    // downloading it right now: wait for that instead of a second download.
    // Checked again after every wait, since a request may claim it meanwhile.
    while (!stored) {
      const inFlight = missesInFlight.get(key);
      if (inFlight) await inFlight;
      else await engine.waitForDownload(key).catch(survive(undefined));
      stored = await engine.lookup(key).catch(survive(null));
      if (!inFlight && !missesInFlight.has(key)) break;
    }

    if (stored && (stored.fresh || request.method === 'HEAD')) return answerFromStore(request, stored, 'hit', waitUntil);

    if (stored) {
      const stale = stored;
      try {
        const result = await engine.get(engineRequest());
        if (result.entry) {
          return await responseFromEntry(request, result.entry, { file: result.file }, result.status === 'miss' ? 'miss' : result.status === 'stale' ? 'stale' : 'revalidated');
        }
      } catch {
        // The server now refuses it (4xx) or sends something that is not a volume: let the page see the server's answer.
        try {
          return await fetchFromNetwork(request);
        } catch {
          return answerFromStore(request, stale, 'stale', waitUntil);
        }
      }
    }

    const releaseMiss = mayCache ? claimMiss(key) : () => undefined;
    let response: Response;
    try {
      response = await fetchFromNetwork(request);
    } catch {
      releaseMiss();
      return notAvailableOfflineResponse(url.href);
    }
    if (!mayCache || !isCacheable(request, response, config) || !response.body) {
      releaseMiss();
      if (countsAsLoad(request)) waitUntil(engine.recordPassThrough().catch(survive(undefined)));
      return response;
    }
    const [toPage, toCache] = splitBody(response.body);
    const cacheCopy = new Response(toCache, { status: response.status, statusText: response.statusText, headers: response.headers });
    waitUntil(engine.ingest(engineRequest(), cacheCopy).catch(survive(undefined)).finally(releaseMiss));
    return withCacheHeader(response, toPage, 'miss');
  };
}

/**
 * Whether a request counts in the totals (hits, misses, uncached) and as a
 * use of the entry. A HEAD carries no volume: viewers and apps send one to
 * ask what is there (the demo's URL mode does, before NiiVue's GET), so
 * counting it made every load through the service worker count twice
 * (GitHub issue 16: two cold and two warm loads read "3 hits, 3 misses").
 * Only the GET that follows is the load.
 */
function countsAsLoad(request: Request): boolean {
  return request.method !== 'HEAD';
}

type Stored = NonNullable<Awaited<ReturnType<ServiceWorkerEngine['lookup']>>>;

function contentOf(stored: Stored): StoredContent {
  return stored.file ? { file: stored.file } : { stored: stored.stored, encryptionKey: stored.encryptionKey! };
}

/** The service worker caches only what any user of this origin may see again. */
export function isCacheable(
  request: Request,
  response: Response,
  config: Pick<ServiceWorkerConfig, 'cacheNoStore' | 'cacheCredentialed' | 'cacheAuthorized' | 'shared'>,
): boolean {
  if (response.status !== 200 || response.type === 'opaque' || response.type === 'opaqueredirect' || response.type === 'error') return false;
  return mayStoreResponse(
    {
      cacheControl: response.headers.get('Cache-Control') ?? '',
      vary: response.headers.get('Vary'),
      authorized: request.headers.has('Authorization'),
      credentialedCrossOrigin: response.type === 'cors' && request.credentials === 'include',
    },
    { keepNoStore: config.cacheNoStore, keepPrivate: !config.shared, keepAuthorized: config.cacheAuthorized, keepCredentialed: config.cacheCredentialed },
  );
}

/**
 * Whether an engine error is the storage's fault rather than the response's:
 * anything but a VolumeCacheError about the body or the download (not NIfTI,
 * corrupt, an HTTP status, the network, integrity, aborted, quota). A closed
 * database (another context destroyed the partition) or a removed folder
 * arrives as a bare DOMException, or as 'closed'.
 */
export function isStorageFailure(error: unknown): boolean {
  if (!(error instanceof VolumeCacheError)) return true;
  return !['not-nifti', 'corrupt', 'http-status', 'network', 'integrity', 'aborted', 'quota', 'invalid-argument'].includes(error.code);
}
