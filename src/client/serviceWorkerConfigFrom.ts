import { VolumeCacheError } from '../errors';
import { DEFAULT_SERVICE_WORKER_CONFIG, isReuseWindow, type ServiceWorkerConfig } from '../shared/serviceWorkerConfig';
import type { RegisterServiceWorkerOptions } from '../types';

/**
 * The prebuilt service worker's configuration for `options`, as it travels
 * in the script URL: strings only, so a RegExp pattern goes as its source
 * and flags. 'g' and 'y' are dropped: they make test() stateful, and a
 * pattern is only ever asked whether a URL matches.
 */
export function serviceWorkerConfigFrom(options: RegisterServiceWorkerOptions): ServiceWorkerConfig {
  const match = options.match ?? {};
  const patterns = match.patterns ?? [];
  const reuseOpenedFileMs = options.reuseOpenedFileMs ?? DEFAULT_SERVICE_WORKER_CONFIG.reuseOpenedFileMs;
  if (!isReuseWindow(reuseOpenedFileMs)) {
    throw new VolumeCacheError('invalid-argument', `reuseOpenedFileMs must be a number of milliseconds from 0 to 60000, got ${String(reuseOpenedFileMs)}.`);
  }
  return {
    ...DEFAULT_SERVICE_WORKER_CONFIG,
    name: options.name ?? DEFAULT_SERVICE_WORKER_CONFIG.name,
    extensions: match.extensions ?? DEFAULT_SERVICE_WORKER_CONFIG.extensions,
    pathPrefixes: match.pathPrefixes ?? [],
    patterns: patterns.map((pattern) => (pattern instanceof RegExp ? pattern.source : pattern)),
    patternFlags: patterns.map((pattern) => (pattern instanceof RegExp ? pattern.flags.replace(/[gy]/g, '') : '')),
    origins: match.origins ?? [],
    ignoreSearchParams: options.ignoreSearchParams ?? [],
    skipWaiting: options.skipWaiting ?? true,
    clientsClaim: options.clientsClaim ?? true,
    cacheNoStore: options.cacheNoStore ?? false,
    cacheCredentialed: options.cacheCredentialed ?? false,
    cacheAuthorized: options.cacheAuthorized ?? false,
    shared: options.shared ?? false,
    expect: options.expect ?? 'nifti',
    offlineShell: options.offlineShell ?? false,
    reuseOpenedFileMs,
  };
}
