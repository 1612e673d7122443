import { VolumeCacheError } from '../errors';

/**
 * Resolves a caller's URL against the page and checks it is one the cache can
 * fetch. Only http(s) is cached: blob:, data: and file: URLs are already local.
 */
export function resolveVolumeUrl(url: string | URL, base?: string): URL {
  let resolved: URL;
  try {
    resolved = new URL(String(url), base);
  } catch {
    throw new VolumeCacheError('invalid-argument', `${JSON.stringify(String(url))} is not a valid URL.`);
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') {
    throw new VolumeCacheError('invalid-argument', `Only http: and https: URLs can be cached, got ${resolved.protocol}.`, { url: resolved.href });
  }
  return resolved;
}
