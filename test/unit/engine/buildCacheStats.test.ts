import { describe, expect, it } from 'vitest';
import { buildCacheStats, type CacheStatsInputs } from '../../../src/engine/buildCacheStats';
import { ZERO_TOTALS } from '../../../src/metadata/MetadataStore';
import { VERSION } from '../../../src/version';
import { entry } from './support/partitionContext';

const base: CacheStatsInputs = {
  entries: [],
  totals: { ...ZERO_TOTALS },
  derived: { total: 0, count: 0 },
  thumbnails: { pending: 0, done: 0, failed: 0 },
  config: { maxBytes: 1000, defaultTtlSeconds: 60 },
  estimate: { usage: null, quota: null },
  persisted: null,
  missing: [],
  serviceWorker: null,
  writePath: 'sync-access-handle',
};

describe('buildCacheStats', () => {
  it('hitRate is hits / (hits + misses), and 0 before any request', () => {
    expect(buildCacheStats(base).hitRate).toBe(0);
    expect(buildCacheStats({ ...base, totals: { ...ZERO_TOTALS, hits: 3, misses: 1 } }).hitRate).toBe(0.75);
  });

  it('counts a file shared by entries once, in bytes and in pinned bytes', () => {
    const entries = [entry('a', 'shared', 10, 1, { pinned: true }), entry('b', 'shared', 10, 2, { pinned: true }), entry('c', 'own', 5, 3)];
    expect(buildCacheStats({ ...base, entries })).toMatchObject({ entries: 3, bytes: 15, pinnedBytes: 10 });
  });

  it('counts an encrypted entry by the file it is stored as', () => {
    const entries = [entry('a', 'content-hash', 10, 1, { storedAs: 'random-1' }), entry('b', 'content-hash', 10, 2, { storedAs: 'random-2' })];
    expect(buildCacheStats({ ...base, entries }).bytes).toBe(20);
  });

  it('is network-only without entries to read, and passes the rest through', () => {
    const stats = buildCacheStats({ ...base, entries: null, missing: ['opfs'], estimate: { usage: 5, quota: 9 }, persisted: true });
    expect(stats).toMatchObject({ mode: 'network-only', entries: 0, bytes: 0, missing: ['opfs'], usage: 5, quota: 9, persisted: true, maxBytes: 1000, defaultTtlSeconds: 60 });
    expect(buildCacheStats(base).mode).toBe('opfs');
  });

  it.each([
    [VERSION, { version: VERSION, sameVersion: true }],
    ['0.0.1', { version: '0.0.1', sameVersion: false }],
    // A row written before versions were recorded.
    [undefined, { version: null, sameVersion: false }],
  ])("says whether the service worker's recorded version %s is this release's", (version, expected) => {
    const recorded = { mode: 'read-write' as const, missing: [], startedAt: 1, ...(version === undefined ? {} : { version }) };
    expect(buildCacheStats({ ...base, serviceWorker: recorded }).serviceWorker).toEqual({ mode: 'read-write', missing: [], startedAt: 1, failures: 0, lastFailure: null, ...expected });
  });

  it("reports the service worker's storage failures as recorded", () => {
    const recorded = { mode: 'read-write' as const, missing: [], startedAt: 1, version: VERSION, failures: 2, lastFailure: 'InvalidStateError: The database connection is closing.' };
    expect(buildCacheStats({ ...base, serviceWorker: recorded }).serviceWorker).toMatchObject({ failures: 2, lastFailure: recorded.lastFailure });
  });

  it('says which path writes, and names sync-access-handle missing when the writes fell back to a WritableStream', () => {
    expect(buildCacheStats(base)).toMatchObject({ writePath: 'sync-access-handle', missing: [] });
    expect(buildCacheStats({ ...base, writePath: 'writable-stream' })).toMatchObject({ writePath: 'writable-stream', missing: ['sync-access-handle'] });
    expect(buildCacheStats({ ...base, writePath: 'writable-stream', missing: ['sync-access-handle'] }).missing).toEqual(['sync-access-handle']);
    expect(buildCacheStats({ ...base, entries: null, writePath: 'none', missing: ['opfs'] })).toMatchObject({ mode: 'network-only', writePath: 'none', missing: ['opfs'] });
  });
});
