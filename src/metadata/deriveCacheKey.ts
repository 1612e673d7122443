import { VolumeCacheError } from '../errors';

/**
 * The key an entry is stored under: the URL without its fragment (a fragment
 * never reaches the server), or what the application's `cacheKey` returns,
 * e.g. to drop a signed-URL token that changes on every request.
 */
export function deriveCacheKey(url: URL, cacheKey?: (url: URL) => string): string {
  if (cacheKey) {
    const key = cacheKey(new URL(url.href));
    if (typeof key !== 'string' || key === '') {
      throw new VolumeCacheError('invalid-argument', `cacheKey() must return a non-empty string, got ${JSON.stringify(key)}.`, { url: url.href });
    }
    return key;
  }
  const withoutFragment = new URL(url.href);
  withoutFragment.hash = '';
  return withoutFragment.href;
}
