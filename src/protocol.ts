/**
 * The page <-> worker protocol, types only: both sides import it with
 * `import type`, so the page bundle never pulls in worker code.
 */
import type { CacheConfig, CacheEntry, CacheStats, CleanupReport, DownloadProgress, GetResult, MissingCapability } from './types';

export interface EngineInitOptions {
  name: string;
  maxBytes?: number;
  defaultTtlSeconds?: number;
  verifyOnRead: boolean;
}

export interface EngineInfo {
  mode: 'opfs' | 'network-only';
  missing: MissingCapability[];
  config: CacheConfig;
}

/** One get/pin call. The page resolves the URL and derives the key (cacheKey runs there). */
export interface EngineRequest {
  /** Lets the page abort this call with `abort(requestId)`: AbortSignal cannot cross to a worker. */
  requestId: string;
  url: string;
  key: string;
  ttlSeconds?: number;
  integrity?: string;
  headers?: Record<string, string>;
  expect?: 'nifti' | 'any';
  respectNoStore?: boolean;
}

export type ProgressCallback = (progress: DownloadProgress) => void;

export interface ArrayBufferResult extends Omit<GetResult, 'file'> {
  buffer: ArrayBuffer;
}

/** Stats as the worker knows them; `persisted` is filled in on the page, where persist() lives. */
export type EngineStats = CacheStats;

export interface VolumeCacheEngine {
  init(options: EngineInitOptions): Promise<EngineInfo>;
  get(request: EngineRequest, onProgress?: ProgressCallback): Promise<GetResult>;
  getArrayBuffer(request: EngineRequest, onProgress?: ProgressCallback): Promise<ArrayBufferResult>;
  getCachedFile(key: string): Promise<{ file: File; entry: CacheEntry } | null>;
  pin(request: EngineRequest, onProgress?: ProgressCallback): Promise<CacheEntry>;
  unpin(key: string): Promise<boolean>;
  invalidate(key: string): Promise<boolean>;
  clear(): Promise<void>;
  cleanup(): Promise<CleanupReport>;
  stats(): Promise<EngineStats>;
  entries(): Promise<CacheEntry[]>;
  configure(patch: Partial<CacheConfig>): Promise<CacheConfig>;
  abort(requestId: string): void;
  close(): Promise<void>;
}
