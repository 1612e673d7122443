export { createVolumeCache } from './client/createVolumeCache';
export { getCachedVolume, clearCache, getCacheStats } from './client/defaultCache';
export { clearOnLogout, type ClearOnLogoutOptions, type ClearOnLogoutReport } from './client/clearOnLogout';
export {
  registerVolumeCacheServiceWorker,
  unregisterVolumeCacheServiceWorker,
  type VolumeCacheServiceWorker,
} from './client/registerVolumeCacheServiceWorker';
export { cacheKeyIgnoring } from './metadata/cacheKeyIgnoring';
export type { CacheChange } from './shared/cacheChanges';
export { VolumeCacheError, isVolumeCacheError, ERROR_CODES, type VolumeCacheErrorCode } from './errors';
export type {
  CacheConfig,
  CacheEntry,
  CacheStats,
  CacheStatus,
  CleanupReport,
  DownloadProgress,
  GetOptions,
  GetResult,
  MemoOptions,
  NiftiHeaderInfo,
  VolumeResult,
  MissingCapability,
  NiftiSummary,
  PinOptions,
  PrefetchOptions,
  PrefetchResult,
  RegisterServiceWorkerOptions,
  ServiceWorkerStatus,
  VolumeCache,
  VolumeCacheOptions,
  VolumeRequestMatch,
} from './types';
export { mountCachePanel, type CachePanel, type CachePanelOptions } from './ui/mountCachePanel';
export { defineVolumeCachePanel, type VolumeCachePanelElement } from './ui/defineVolumeCachePanel';
