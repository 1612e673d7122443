/**
 * Whether a Cache-Control value carries the no-store directive. The engine
 * (with respectNoStore) and the service worker (without cacheNoStore) both
 * decide by it, so both read the header the same way: case-insensitive, as a
 * whole directive in a comma-separated list, not as part of another word.
 */
export function hasNoStore(cacheControl: string): boolean {
  return /(^|,)\s*no-store\s*(,|$)/i.test(cacheControl);
}
