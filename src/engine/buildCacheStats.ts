import { countStoredBytes } from '../metadata/countStoredBytes';
import type { StoredEntry } from '../metadata/EntryCodec';
import type { CacheTotals } from '../metadata/MetadataStore';
import type { RecordedServiceWorkerStatus } from '../protocol';
import type { CacheConfig, CacheStats, MissingCapability, ServiceWorkerStatus } from '../types';
import { VERSION } from '../version';
import { byStoredFile } from './evictEntries';

/** Everything stats() reports, as read from storage, the browser and the engine. */
export interface CacheStatsInputs {
  /** null in network-only mode (no storage). */
  entries: readonly StoredEntry[] | null;
  totals: CacheTotals;
  derived: { total: number; count: number };
  thumbnails: CacheStats['thumbnails'];
  config: CacheConfig;
  estimate: { usage: number | null; quota: number | null };
  persisted: boolean | null;
  missing: readonly MissingCapability[];
  serviceWorker: RecordedServiceWorkerStatus | null;
  writePath: CacheStats['writePath'];
}

/** stats() as a pure function of what was read: the figures derived from the counters and the entries. */
export function buildCacheStats(inputs: CacheStatsInputs): CacheStats {
  const { totals, entries } = inputs;
  const served = totals.hits + totals.misses;
  const stored = entries ?? [];
  return {
    ...totals,
    derivedResults: inputs.derived.count,
    derivedBytes: inputs.derived.total,
    thumbnails: inputs.thumbnails,
    hitRate: served === 0 ? 0 : totals.hits / served,
    entries: stored.length,
    // Entries sharing a file count it once.
    bytes: countStoredBytes(byStoredFile(stored)),
    pinnedBytes: countStoredBytes(byStoredFile(stored.filter((entry) => entry.pinned))),
    maxBytes: inputs.config.maxBytes,
    defaultTtlSeconds: inputs.config.defaultTtlSeconds,
    usage: inputs.estimate.usage,
    quota: inputs.estimate.quota,
    persisted: inputs.persisted,
    mode: entries === null ? 'network-only' : 'opfs',
    // A SyncAccessHandle that refused to open after start-up is missing as surely as one never there.
    missing: inputs.writePath === 'writable-stream' && !inputs.missing.includes('sync-access-handle') ? [...inputs.missing, 'sync-access-handle'] : [...inputs.missing],
    writePath: inputs.writePath,
    serviceWorker: serviceWorkerStatusFrom(inputs.serviceWorker),
  };
}

/** The service worker's record, with whether it comes from this release (a row from before versions has none). */
function serviceWorkerStatusFrom(recorded: RecordedServiceWorkerStatus | null): ServiceWorkerStatus | null {
  if (!recorded) return null;
  const version = recorded.version ?? null;
  return { ...recorded, version, sameVersion: version === VERSION, failures: recorded.failures ?? 0, lastFailure: recorded.lastFailure ?? null };
}
