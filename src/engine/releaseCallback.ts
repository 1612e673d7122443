import { releaseProxy } from 'comlink';

/**
 * Releases a comlink proxy the page passed (a progress callback), so its
 * port closes once the call is answered; anything else is left alone.
 */
export function releaseCallback(callback: unknown): void {
  const release = (callback as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy];
  if (typeof release !== 'function') return;
  try {
    release.call(callback);
  } catch {
    // Already released.
  }
}
