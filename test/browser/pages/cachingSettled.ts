import { downloadLockName } from '../../../src/engine/downloadLockName';

/**
 * Settles once no context (the service worker above all) is caching `path`
 * in `partition`: the service worker asks for the key's download lock before
 * its answer reaches the page, so a lock granted here afterwards means it has
 * stored the body or given up on it. The key is the URL, resolved here.
 */
export async function cachingSettled(partition: string, path: string): Promise<void> {
  await navigator.locks.request(downloadLockName(partition, new URL(path, location.href).href), async () => undefined);
}
