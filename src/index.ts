export { createVolumeCache, type VolumeCache } from './client/createVolumeCache';
export { getCachedVolume, clearCache, getCacheStats } from './client/defaultCache';
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
  MissingCapability,
  NiftiSummary,
  PinOptions,
  PrefetchOptions,
  PrefetchResult,
  VolumeCacheOptions,
} from './types';
