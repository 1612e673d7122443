import { describe, expect, it } from 'vitest';
import { buildPanelModel } from '../../../src/ui/buildPanelModel';
import type { CacheEntry, CacheStats } from '../../../src/types';

const NOW = 1_700_000_000_000;
const DAY = 86_400_000;

const stats = (patch: Partial<CacheStats> = {}): CacheStats => ({
  hits: 3,
  misses: 1,
  hitRate: 0.75,
  entries: 2,
  bytes: 4_100_162,
  maxBytes: 2_000_000_000,
  defaultTtlSeconds: 604_800,
  pinnedBytes: 43_192,
  downloads: 1,
  bytesFromNetwork: 4_056_970,
  bytesFromCache: 0,
  evictions: 0,
  revalidations: 0,
  stale: 0,
  uncached: 0,
  corrupt: 0,
  decodes: 0,
  decodedHits: 0,
  derivedResults: 0,
  derivedBytes: 0,
  thumbnails: { pending: 0, done: 0, failed: 0 },
  usage: 5_000_000,
  quota: 10_000_000_000,
  persisted: false,
  mode: 'opfs',
  missing: [],
  writePath: 'sync-access-handle',
  serviceWorker: null,
  ...patch,
});

const entry = (file: string, patch: Partial<CacheEntry> = {}): CacheEntry => ({
  key: `http://x/data/${file}`,
  url: `http://x/data/${file}?rate=1000`,
  bytes: 4_056_970,
  sha256: 'ab',
  contentType: 'application/octet-stream',
  contentEncoding: null,
  etag: null,
  lastModified: null,
  createdAt: NOW - DAY,
  lastAccessedAt: NOW - 60_000,
  expiresAt: NOW + 6 * DAY,
  pinned: false,
  nifti: { version: 1, dims: [207, 256, 215], voxelSize: [1, 1, 1], datatypeCode: 2, datatype: 'uint8', bitsPerVoxel: 8, littleEndian: true, compressed: true, description: '' },
  ...patch,
});

describe('buildPanelModel', () => {
  it('summarises the stats', () => {
    const model = buildPanelModel(stats(), [], new Map(), new Set(), NOW);
    expect(model).toMatchObject({
      hitRate: '75% (3 hits, 1 miss)',
      entryCount: '2 entries, 42.2 KiB pinned',
      budget: { fraction: 0.002050081, text: '3.91 MiB of 1.86 GiB max size' },
      quota: { fraction: 0.0005, text: "4.77 MiB of 9.31 GiB browser quota (whole site: 879 KiB is the app's own files and other data, not volumes)" },
      persisted: 'no: the browser may clear it under storage pressure',
      warning: null,
    });
  });

  // navigator.storage.estimate() counts the whole origin: the demo's offline copy of itself alone was 7.2 MiB before any volume.
  it.each([
    [0, 7_570_123, "7.22 MiB of 9.31 GiB browser quota (whole site: 7.22 MiB is the app's own files and other data, not volumes)"],
    [4_056_970, 4_056_970, '3.87 MiB of 9.31 GiB browser quota (whole site)'],
    // Chromium's estimate can trail the cache's own count for a moment.
    [4_056_970, 4_000_000, '3.81 MiB of 9.31 GiB browser quota (whole site)'],
  ])('with %d bytes cached and %d used by the site, the quota reads %j', (bytes, usage, text) => {
    expect(buildPanelModel(stats({ bytes, usage }), [], new Map(), new Set(), NOW).quota.text).toBe(text);
  });

  it('says when nothing was asked yet, and when quota or persistence are unknown', () => {
    const model = buildPanelModel(stats({ hits: 0, misses: 0, hitRate: 0, usage: null, quota: null, persisted: null, pinnedBytes: 0, entries: 1 }), [], new Map(), new Set(), NOW);
    expect(model).toMatchObject({ hitRate: 'no requests yet', entryCount: '1 entry', quota: { fraction: null, text: 'browser quota unknown' }, persisted: 'unknown' });
  });

  it('warns when the browser cannot cache', () => {
    const model = buildPanelModel(stats({ mode: 'network-only', missing: ['opfs', 'sync-access-handle'] }), [], new Map(), new Set(), NOW);
    expect(model.warning).toBe('Caching is off in this browser (missing: opfs, sync-access-handle); volumes are downloaded every time.');
  });

  it('makes one row per entry, in the given order, with selection', () => {
    const rows = buildPanelModel(
      stats(),
      [entry('spm152.nii.gz'), entry('functional.nii', { bytes: 43_192, pinned: true, expiresAt: NOW - 1, nifti: null })],
      new Map(),
      new Set(['http://x/data/functional.nii']),
      NOW,
    );
    expect(rows.rows).toEqual([
      expect.objectContaining({ name: 'spm152.nii.gz', size: '3.87 MiB', dims: '207×256×215 uint8', lastAccess: '1 min ago', expires: 'in 6 days', expired: false, pinned: false, selected: false }),
      expect.objectContaining({ name: 'functional.nii', size: '42.2 KiB', dims: '–', expires: 'expired', expired: true, pinned: true, selected: true }),
    ]);
    expect(rows.selectedCount).toBe(1);
  });

  it('describes downloads in progress with bytes, rate and time left', () => {
    const downloads = new Map([['http://x/data/big.nii.gz', { url: 'http://x/data/big.nii.gz', loaded: 1_000_000, total: 4_000_000, startedAt: NOW - 1000, updatedAt: NOW - 500 }]]);
    const [download] = buildPanelModel(stats(), [], downloads, new Set(), NOW).downloads;
    expect(download).toMatchObject({ name: 'big.nii.gz', figures: { fraction: 0.25, bytesPerSecond: 2_000_000, etaSeconds: 1.5 }, text: '977 KiB of 3.81 MiB · 1.91 MiB/s · 2 s left' });
  });
});
