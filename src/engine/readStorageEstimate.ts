import type { CacheStatsInputs } from './buildCacheStats';
import type { EnginePlatform } from './EnginePlatform';

/**
 * The browser's storage figures for stats(): usage, quota and whether
 * storage is persisted; null for each the browser does not give (estimate()
 * is refused in some private modes).
 */
export async function readStorageEstimate(storage: EnginePlatform['storage']): Promise<Pick<CacheStatsInputs, 'estimate' | 'persisted'>> {
  const estimate = { usage: null as number | null, quota: null as number | null };
  try {
    const answer = await storage?.estimate();
    estimate.usage = answer?.usage ?? null;
    estimate.quota = answer?.quota ?? null;
  } catch {
    // Unknown, as reported.
  }
  let persisted: boolean | null = null;
  try {
    persisted = storage ? await storage.persisted() : null;
  } catch {
    persisted = null;
  }
  return { estimate, persisted };
}
