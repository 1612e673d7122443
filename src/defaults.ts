/** Defaults in one place; documented on the options that use them. */
export const DEFAULTS = {
  name: 'default',
  maxBytes: 2 * 1024 ** 3,
  defaultTtlSeconds: 7 * 24 * 60 * 60,
  persistence: 'on-first-pin',
  /** requestPersistence() answers false when the browser has not answered persist() by then (it waits on a prompt). */
  persistenceAnswerMs: 5000,
  prefetchConcurrency: 2,
  /** Progress events are throttled to this interval. */
  progressIntervalMs: 100,
  /** Resume attempts after a dropped connection before failing with `network`. */
  resumeRetries: 4,
  resumeBackoffMs: 250,
  /** A download receiving nothing for this long is cut and resumed. */
  stallTimeoutSeconds: 30,
  /**
   * A stored file handed out (a File from getFile(), a service-worker
   * response) stays on disk at least this long even if another tab evicts
   * or clears it, so reading it does not fail half-way.
   */
  fileLeaseSeconds: 60,
  /**
   * The service worker reuses a stored file it opened and checked for this
   * long for the next requests (a viewer's burst of ranges); it also bounds
   * how long damage on disk behind the cache's back goes unnoticed.
   */
  reuseOpenedFileMs: 2000,
  /** The worker's in-memory tier of decoded volumes. */
  memoryBytes: 256 * 1024 ** 2,
  /** Volumes with more voxel bytes than this get no background thumbnail. */
  thumbnailMaxVoxelBytes: 256 * 1024 ** 2,
} as const;

/** Upper bounds that catch unit mistakes (ms for s, bits for bytes) rather than real limits. */
export const LIMITS = {
  maxBytes: 2 ** 53 - 1,
  /** 100 years. */
  ttlSeconds: 100 * 365 * 24 * 60 * 60,
} as const;
