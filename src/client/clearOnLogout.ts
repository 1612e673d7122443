import { openCacheChangePoster } from '../shared/cacheChanges';
import { unregisterVolumeCacheServiceWorker } from './registerVolumeCacheServiceWorker';

export interface ClearOnLogoutOptions {
  /** Also remove the service worker. @default true */
  unregisterServiceWorker?: boolean;
}

export interface ClearOnLogoutReport {
  /** The partitions that were removed. */
  partitions: string[];
}

/**
 * Removes every volume-cache partition of this origin (files, databases, the
 * service worker's offline copy of the app) and closes every cache open on
 * them in any tab: what a shared workstation needs at log-out.
 */
export async function clearOnLogout(options: ClearOnLogoutOptions = {}): Promise<ClearOnLogoutReport> {
  // Loaded here: the page bundle of an app that never logs out need not carry the storage code.
  const [{ databaseName, MetadataStore }, { PartitionFiles }] = await Promise.all([import('../metadata/MetadataStore'), import('../storage/PartitionFiles')]);
  const getDirectory = typeof navigator !== 'undefined' && navigator.storage?.getDirectory ? () => navigator.storage.getDirectory() : null;
  const names = new Set<string>(getDirectory ? await PartitionFiles.list(getDirectory).catch(() => []) : []);
  const prefix = databaseName('');
  if (typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function') {
    for (const { name } of await indexedDB.databases()) if (name?.startsWith(prefix)) names.add(name.slice(prefix.length));
  }
  for (const name of names) {
    // Open caches close on this, releasing their database connections and file handles.
    const poster = openCacheChangePoster(name);
    poster.post({ type: 'destroyed' });
    poster.close();
  }
  for (const name of names) {
    await MetadataStore.destroy(name);
    if (getDirectory) await PartitionFiles.destroy(getDirectory, name);
  }
  if (typeof caches !== 'undefined') {
    for (const key of await caches.keys()) if (key.startsWith('volume-cache-shell:')) await caches.delete(key);
  }
  if (options.unregisterServiceWorker !== false) await unregisterVolumeCacheServiceWorker();
  return { partitions: [...names].sort() };
}
