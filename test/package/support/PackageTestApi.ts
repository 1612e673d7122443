import type { CacheStatus, MissingCapability } from '../../../src/types.ts';

/** What a plain fetch() from the page got, as fixtures/shared/testApi.js reports it. */
export interface FetchAnswer {
  status: number;
  /** The X-Volume-Cache header: hit, miss, ... or null when the service worker did not answer. */
  volumeCache: string | null;
  contentRange: string | null;
  bytes: number;
  sha256: string;
}

/** The page API every fixture app installs on window (fixtures/shared/testApi.js). */
export interface PackageTestApi {
  /** stats().missing of the app's default cache. */
  missing(): Promise<MissingCapability[]>;
  get(url: string): Promise<{ status: CacheStatus; fileBytes: number; entry: { sha256: string; bytes: number } | null }>;
  /** registerVolumeCacheServiceWorker() for these path prefixes; the controller's script URL once it controls the page. */
  registerServiceWorker(pathPrefixes: string[]): Promise<string | null>;
  fetch(url: string, headers?: Record<string, string>): Promise<FetchAnswer>;
}

declare global {
  interface Window {
    packageTest: PackageTestApi;
    packageTestReady?: boolean;
  }
}
