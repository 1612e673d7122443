/**
 * The Web Lock held while a key downloads, in any context (page worker,
 * another tab, the service worker): the others wait for it instead of
 * downloading the same volume again.
 */
export function downloadLockName(partition: string, key: string): string {
  return `volume-cache:${partition}:download:${key}`;
}
