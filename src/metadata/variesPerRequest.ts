/**
 * Request headers every request from this origin carries alike (the browser
 * sets them, the same for the page, its workers and the service worker), so
 * a response varying on them is the same for every caller of this cache.
 * Access-Control-Request-* appear only on preflights, never on the GET.
 */
const SAME_FOR_EVERY_CALLER = new Set(['accept-encoding', 'origin', 'user-agent', 'access-control-request-method', 'access-control-request-headers']);

/**
 * Whether a response's `Vary` says another caller could get other bytes for
 * the same URL: `*`, or any request header but those above (an application's
 * tenant or user header, Accept, Cookie, Authorization...). The cache keys
 * entries by URL, so such a response is not kept: serving it to the next
 * caller could hand one user another's bytes.
 */
export function variesPerRequest(vary: string | null): boolean {
  if (vary === null) return false;
  return vary
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .some((name) => name !== '' && !SAME_FOR_EVERY_CALLER.has(name));
}
