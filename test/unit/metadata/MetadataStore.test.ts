import { describe, it, expect, afterEach } from 'vitest';
import { createSealedEntryCodec } from '../../../src/encryption/sealedEntryCodec';
import { MetadataStore, ZERO_TOTALS, databaseName } from '../../../src/metadata/MetadataStore';
import type { CacheEntry } from '../../../src/types';

let partitionCounter = 0;
function uniquePartition(): string {
  return `unit-${Date.now()}-${++partitionCounter}-${Math.random().toString(36).slice(2)}`;
}

const opened: MetadataStore[] = [];
async function open(partition: string): Promise<MetadataStore> {
  const store = await MetadataStore.open(partition);
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function makeEntry(key: string, sha256: string, extra: Partial<CacheEntry> = {}): CacheEntry {
  return {
    key,
    url: `https://data.example/${key}`,
    bytes: 1234,
    sha256,
    contentType: 'application/octet-stream',
    contentEncoding: null,
    etag: '"abc"',
    lastModified: null,
    createdAt: 1000,
    lastAccessedAt: 2000,
    expiresAt: 3000,
    pinned: false,
    nifti: {
      version: 1,
      dims: [2, 3, 4],
      voxelSize: [1, 1, 1.5],
      datatypeCode: 4,
      datatype: 'int16',
      bitsPerVoxel: 16,
      littleEndian: true,
      compressed: true,
      description: 'test',
    },
    ...extra,
  };
}

describe('databaseName', () => {
  it('prefixes the partition', () => {
    expect(databaseName('default')).toBe('volume-cache:default');
  });
});

describe('MetadataStore', () => {
  describe('entries', () => {
    it('put then get round-trips an entry', async () => {
      const store = await open(uniquePartition());
      const entry = makeEntry('a', 'sha-a');
      await store.put(entry);
      expect(await store.get('a')).toEqual(entry);
      expect(await store.get('missing')).toBeUndefined();
    });

    it('put replaces an entry with the same key', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'sha-1'));
      await store.put(makeEntry('a', 'sha-2', { pinned: true }));
      expect(await store.all()).toEqual([makeEntry('a', 'sha-2', { pinned: true })]);
    });

    it('all lists every entry (ordered by key)', async () => {
      const store = await open(uniquePartition());
      expect(await store.all()).toEqual([]);
      await store.put(makeEntry('b', 'sha-b'));
      await store.put(makeEntry('a', 'sha-a'));
      await store.put(makeEntry('c', 'sha-c', { nifti: null }));
      const all = await store.all();
      expect(all.map((e) => e.key)).toEqual(['a', 'b', 'c']);
      expect(all[2]!.nifti).toBeNull();
    });

    it('countBySha256 counts entries sharing a file', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'S'));
      await store.put(makeEntry('b', 'S'));
      await store.put(makeEntry('c', 'T'));
      expect(await store.countBySha256('S')).toBe(2);
      expect(await store.countBySha256('T')).toBe(1);
      expect(await store.countBySha256('none')).toBe(0);
    });

    it('clearEntries removes every entry but keeps config and totals', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'S'));
      await store.putConfig({ maxBytes: 5, defaultTtlSeconds: 6 });
      await store.addTotals({ hits: 2 });
      await store.clearEntries();
      expect(await store.all()).toEqual([]);
      expect(await store.getConfig()).toEqual({ maxBytes: 5, defaultTtlSeconds: 6 });
      expect((await store.getTotals()).hits).toBe(2);
    });
  });

  describe('delete', () => {
    it('returns the SHA-256s no longer referenced', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'A'));
      await store.put(makeEntry('b', 'B'));
      await store.put(makeEntry('c', 'C'));
      expect((await store.delete(['a', 'b'])).sort()).toEqual(['A', 'B']);
      expect((await store.all()).map((e) => e.key)).toEqual(['c']);
    });

    it('does not return a SHA-256 another entry still references', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'S'));
      await store.put(makeEntry('b', 'S'));
      expect(await store.delete(['a'])).toEqual([]);
      expect(await store.get('a')).toBeUndefined();
      expect(await store.countBySha256('S')).toBe(1);
      // Deleting the last reference releases it.
      expect(await store.delete(['b'])).toEqual(['S']);
    });

    it('returns a shared SHA-256 once when all its entries go together', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'S'));
      await store.put(makeEntry('b', 'S'));
      await store.put(makeEntry('c', 'S'));
      expect(await store.delete(['a', 'b'])).toEqual([]);
      await store.put(makeEntry('d', 'S'));
      expect(await store.delete(['c', 'd'])).toEqual(['S']);
    });

    it('ignores missing keys and duplicates', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'A'));
      expect(await store.delete(['missing'])).toEqual([]);
      expect(await store.delete([])).toEqual([]);
      expect(await store.delete(['a', 'a', 'missing'])).toEqual(['A']);
      expect(await store.all()).toEqual([]);
    });
  });

  describe('update', () => {
    it('applies the change and returns the updated entry', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'A'));
      const updated = await store.update('a', (e) => ({ ...e, pinned: true, lastAccessedAt: 9999 }));
      expect(updated).toEqual(makeEntry('a', 'A', { pinned: true, lastAccessedAt: 9999 }));
      expect(await store.get('a')).toEqual(updated);
    });

    it('returns undefined for a missing key without creating it or calling change', async () => {
      const store = await open(uniquePartition());
      let called = false;
      const updated = await store.update('missing', (e) => {
        called = true;
        return e;
      });
      expect(updated).toBeUndefined();
      expect(called).toBe(false);
      expect(await store.all()).toEqual([]);
    });

    it('is atomic: concurrent read-modify-write updates lose nothing', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'A', { lastAccessedAt: 0 }));
      const N = 25;
      await Promise.all(Array.from({ length: N }, () => store.update('a', (e) => ({ ...e, lastAccessedAt: e.lastAccessedAt + 1 }))));
      expect((await store.get('a'))!.lastAccessedAt).toBe(N);
    });

    it('interleaved with put, each update sees the latest committed row', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'A', { bytes: 1 }));
      const [, , updated] = await Promise.all([
        store.update('a', (e) => ({ ...e, bytes: e.bytes * 10 })),
        store.put(makeEntry('a', 'A', { bytes: 7 })),
        store.update('a', (e) => ({ ...e, bytes: e.bytes + 1 })),
      ]);
      expect(updated!.bytes).toBe(8);
      expect((await store.get('a'))!.bytes).toBe(8);
    });

    it('leaves the entry unchanged when change throws', async () => {
      const store = await open(uniquePartition());
      await store.put(makeEntry('a', 'A'));
      await expect(store.update('a', () => { throw new Error('nope'); })).rejects.toThrow('nope');
      expect(await store.get('a')).toEqual(makeEntry('a', 'A'));
    });
  });

  describe('config and totals', () => {
    it('start empty: no config, zero totals', async () => {
      const store = await open(uniquePartition());
      expect(await store.getConfig()).toBeUndefined();
      expect(await store.getTotals()).toEqual(ZERO_TOTALS);
    });

    it('config round-trips and can be replaced', async () => {
      const store = await open(uniquePartition());
      await store.putConfig({ maxBytes: 1024, defaultTtlSeconds: 60 });
      expect(await store.getConfig()).toEqual({ maxBytes: 1024, defaultTtlSeconds: 60 });
      await store.putConfig({ maxBytes: 0, defaultTtlSeconds: 0 });
      expect(await store.getConfig()).toEqual({ maxBytes: 0, defaultTtlSeconds: 0 });
    });

    it('addTotals accumulates and leaves other counters at zero', async () => {
      const store = await open(uniquePartition());
      await store.addTotals({ hits: 1, bytesFromCache: 100 });
      await store.addTotals({ hits: 2, misses: 1 });
      await store.addTotals({});
      expect(await store.getTotals()).toEqual({ ...ZERO_TOTALS, hits: 3, misses: 1, bytesFromCache: 100 });
    });

    it('concurrent addTotals lose nothing', async () => {
      const store = await open(uniquePartition());
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.addTotals({ downloads: 1, bytesFromNetwork: i })));
      const totals = await store.getTotals();
      expect(totals.downloads).toBe(20);
      expect(totals.bytesFromNetwork).toBe((19 * 20) / 2);
    });

    it('getTotals returns a fresh object (ZERO_TOTALS is not mutated)', async () => {
      const store = await open(uniquePartition());
      const totals = await store.getTotals();
      totals.hits = 99;
      expect(ZERO_TOTALS.hits).toBe(0);
      expect((await store.getTotals()).hits).toBe(0);
    });

    it('entries, config and totals survive close and reopen of the same partition', async () => {
      const partition = uniquePartition();
      const first = await MetadataStore.open(partition);
      await first.put(makeEntry('a', 'A'));
      await first.putConfig({ maxBytes: 4096, defaultTtlSeconds: 3600 });
      await first.addTotals({ hits: 5, evictions: 2 });
      first.close();

      const second = await open(partition);
      expect(await second.get('a')).toEqual(makeEntry('a', 'A'));
      expect(await second.getConfig()).toEqual({ maxBytes: 4096, defaultTtlSeconds: 3600 });
      expect(await second.getTotals()).toEqual({ ...ZERO_TOTALS, hits: 5, evictions: 2 });
      await second.addTotals({ hits: 1 });
      expect((await second.getTotals()).hits).toBe(6);
    });
  });

  it('isolates partitions from each other', async () => {
    const one = await open(uniquePartition());
    const two = await open(uniquePartition());
    await one.put(makeEntry('same-key', 'S1'));
    await one.putConfig({ maxBytes: 1, defaultTtlSeconds: 1 });
    await one.addTotals({ hits: 1 });
    await two.put(makeEntry('same-key', 'S2'));

    expect((await one.get('same-key'))!.sha256).toBe('S1');
    expect((await two.get('same-key'))!.sha256).toBe('S2');
    expect(await two.getConfig()).toBeUndefined();
    expect(await two.getTotals()).toEqual(ZERO_TOTALS);
    expect(await two.countBySha256('S1')).toBe(0);
    expect(await one.delete(['same-key'])).toEqual(['S1']);
    expect(await two.get('same-key')).toBeDefined();
  });

  it('two stores open on one partition see each other’s writes', async () => {
    const partition = uniquePartition();
    const a = await open(partition);
    const b = await open(partition);
    await a.put(makeEntry('k', 'S'));
    expect(await b.get('k')).toEqual(makeEntry('k', 'S'));
  });
});

describe('rows of the other kind (a tab with the key, one without)', () => {
  it('a plain store neither lists, reads nor drops sealed rows, and a sealed store leaves plain rows alone; storedNames counts both', async () => {
    const partition = uniquePartition();
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const plain = await open(partition);
    const sealedStore = await MetadataStore.open(partition, createSealedEntryCodec(key));
    opened.push(sealedStore);
    await sealedStore.put({ ...makeEntry('secret', 'sha-secret'), storedAs: 'random-name' });
    await plain.put(makeEntry('open', 'sha-open'));

    expect((await plain.all()).map((entry) => entry.key)).toEqual(['open']);
    expect((await sealedStore.all()).map((entry) => entry.key)).toEqual(['secret']);
    expect(await plain.get('secret')).toBeUndefined();
    // Nothing was dropped for failing to decode: both rows are still there.
    expect(await plain.countEntries()).toBe(2);
    expect([...(await plain.storedNames())].sort()).toEqual(['random-name', 'sha-open']);
  });
});
