/**
 * Marks the cache engine's own network requests so the service worker lets
 * them through: a page's cache worker is itself controlled by the service
 * worker, and would otherwise wait, through it, on its own download lock.
 * (Web Locks' clientId and FetchEvent.clientId are different ids in
 * Chromium, so the lock holder cannot be recognised directly.)
 *
 * It rides in Accept because Accept is CORS-safelisted: a custom header
 * would turn every cross-origin download into a preflighted one. The media
 * type is one no server produces, at the lowest preference, so content
 * negotiation is unaffected.
 */
export const ENGINE_ACCEPT_MARKER = 'application/x-volume-cache-engine';

export function withEngineMarker(headers: Record<string, string>): Record<string, string> {
  const accept = Object.entries(headers).find(([name]) => name.toLowerCase() === 'accept');
  const rest = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'accept'));
  return { ...rest, Accept: `${accept ? accept[1] : '*/*'}, ${ENGINE_ACCEPT_MARKER};q=0.001` };
}

export function isEngineRequest(request: Request): boolean {
  return request.headers.get('Accept')?.includes(ENGINE_ACCEPT_MARKER) ?? false;
}
