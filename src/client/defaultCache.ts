import type { CacheStats, GetOptions } from '../types';
import type { VolumeCache } from '../types';
import { createVolumeCache } from './createVolumeCache';

/**
 * Conveniences on one lazily created default cache, for viewers that want a
 * drop-in call rather than an instance to manage.
 */
let defaultCache: Promise<VolumeCache> | null = null;

function getDefaultCache(): Promise<VolumeCache> {
  defaultCache ??= createVolumeCache().catch((error: unknown) => {
    defaultCache = null;
    throw error;
  });
  return defaultCache;
}

/** The volume's bytes, from the cache when possible. */
export async function getCachedVolume(url: string | URL, options?: GetOptions): Promise<ArrayBuffer> {
  return (await getDefaultCache()).getArrayBuffer(url, options);
}

export async function clearCache(): Promise<void> {
  await (await getDefaultCache()).clear();
}

export async function getCacheStats(): Promise<CacheStats> {
  return (await getDefaultCache()).stats();
}
