import { describe, expect, it } from 'vitest';
import { byStoredFile, enforceBudget, evictEntries, evictForQuota } from '../../../src/engine/evictEntries';
import type { PartitionContext } from '../../../src/engine/PartitionContext';
import type { StoredEntry } from '../../../src/metadata/EntryCodec';
import type { EvictionPlan, EvictionReason } from '../../../src/metadata/selectEviction';
import { derivedFile, entry, useTestPartitions, rowKeys, storeEntries, type TestPartition } from './support/partitionContext';

const openPartition = useTestPartitions();
async function partition(maxBytes: number, entries: readonly StoredEntry[]): Promise<TestPartition> {
  const opened = await openPartition({ maxBytes });
  await storeEntries(opened.context, entries);
  return opened;
}

// Ten bytes each, oldest first; `pinned` is the oldest of all.
const oldest = entry('oldest', 'sha-oldest', 10, 100);
const middle = entry('middle', 'sha-middle', 10, 200);
const newest = entry('newest', 'sha-newest', 10, 300);
const pinned = entry('pinned', 'sha-pinned', 40, 50, { pinned: true });
const fit = (bytes: number, sha256?: string): EvictionReason => ({ kind: 'fit', incoming: { bytes, ...(sha256 ? { sha256 } : {}) } });

describe('evictEntries', () => {
  it.each<[string, StoredEntry[], number, EvictionReason, string | undefined, EvictionPlan]>([
    // fit: only as many as needed, least recently used first.
    ['fit, room after one', [oldest, middle, newest], 30, fit(10), undefined, { evictKeys: ['oldest'], refused: null }],
    ['fit, room after two', [oldest, middle, newest], 30, fit(20), undefined, { evictKeys: ['oldest', 'middle'], refused: null }],
    ['fit, the same bytes already stored', [oldest, middle, newest], 30, fit(10, 'sha-middle'), undefined, { evictKeys: [], refused: null }],
    // fit that cannot be: nothing goes.
    ['fit, larger than the budget', [oldest, middle, newest], 30, fit(31), undefined, { evictKeys: [], refused: 'larger-than-budget' }],
    ['fit, pinned leave no room', [pinned, oldest], 45, fit(10), undefined, { evictKeys: [], refused: 'no-room-beside-pinned' }],
    // fit for a replacement: the entry being replaced is neither counted nor evicted.
    ['fit, exceptKey left out', [oldest, middle], 20, fit(10), 'oldest', { evictKeys: [], refused: null }],
    ['fit, exceptKey not counted', [oldest, middle, newest], 20, fit(10), 'oldest', { evictKeys: ['middle'], refused: null }],
    // budget: back under maxBytes; pinned alone over it: every unpinned goes.
    ['budget, under', [oldest, middle, newest], 30, { kind: 'budget' }, undefined, { evictKeys: [], refused: null }],
    ['budget, over by one', [oldest, middle, newest], 20, { kind: 'budget' }, undefined, { evictKeys: ['oldest'], refused: null }],
    ['budget, pinned alone over', [pinned, oldest, middle], 30, { kind: 'budget' }, undefined, { evictKeys: ['oldest', 'middle'], refused: null }],
    // quota: the oldest unpinned entries that free what is needed, whatever the budget says.
    ['quota', [pinned, oldest, middle, newest], 1_000_000, { kind: 'quota', neededBytes: 30 }, undefined, { evictKeys: ['oldest', 'middle', 'newest'], refused: null }],
    ['quota, only what is needed', [pinned, oldest, middle, newest], 1_000_000, { kind: 'quota', neededBytes: 15 }, undefined, { evictKeys: ['oldest', 'middle'], refused: null }],
    ['quota that cannot be met', [pinned, oldest, middle, newest], 1_000_000, { kind: 'quota', neededBytes: 31 }, undefined, { evictKeys: [], refused: null }],
  ])('%s', async (_name, entries, maxBytes, reason, exceptKey, plan) => {
    const test = await partition(maxBytes, entries);
    expect(await evictEntries(test.context, reason, exceptKey)).toEqual(plan);
    const left = entries.map((stored) => stored.key).filter((key) => !plan.evictKeys.includes(key));
    expect(await rowKeys(test.context)).toEqual(left.sort());
    expect(test.storedFiles()).toEqual(entries.filter((stored) => left.includes(stored.key)).map((stored) => `blobs/${stored.sha256}`).sort());
    expect((await test.context.store.getTotals()).evictions).toBe(plan.evictKeys.length);
    expect(test.posts).toEqual(plan.evictKeys.length > 0 ? [{ type: 'entries', keys: plan.evictKeys }, { type: 'stats' }] : []);
  });

  it.each<[string, EvictionReason, string[]]>([
    // Room for the download in hand beats a lease on a file already handed out...
    ['quota removes a leased file at once', { kind: 'quota', neededBytes: 1 }, []],
    // ...while the budget lets the reader finish: the file waits for its lease.
    ['budget leaves a leased file for its reader', { kind: 'budget' }, ['blobs/sha-oldest']],
  ])('%s', async (_name, reason, filesLeft) => {
    const test = await partition(0, [oldest]);
    await test.context.leases.hold('sha-oldest');
    expect((await evictEntries(test.context, reason)).evictKeys).toEqual(['oldest']);
    expect(await rowKeys(test.context)).toEqual([]);
    expect(test.storedFiles()).toEqual(filesLeft);
  });

  it.each<[string, () => ReturnType<typeof derivedFile>, number, string[]]>([
    // 20 bytes of files under 30, but the decoded copy of the oldest makes it 35.
    ['counts what derives from each file', () => derivedFile('decoded', ['sha-oldest'], 15), 30, ['oldest']],
    // A memo that derives from no entry takes its bytes off the budget: 20 > 30 - 15.
    ['subtracts what derives from no entry', () => ({ ...derivedFile('memo', [], 15), kind: 'memo' as const }), 30, ['oldest']],
    // Thumbnails are left out of the budget, so making one never evicts a volume.
    ['leaves thumbnails out', () => derivedFile('thumb', ['sha-oldest'], 15, 'thumbnail'), 30, []],
  ])('the budget %s', async (_name, derived, maxBytes, evicted) => {
    const test = await partition(maxBytes, [oldest, newest]);
    await test.context.derived.put(derived());
    expect((await evictEntries(test.context, { kind: 'budget' })).evictKeys).toEqual(evicted);
  });

  it('an evicted entry takes what derives from its file with it', async () => {
    const test = await partition(30, [oldest, newest]);
    await test.context.derived.put(derivedFile('decoded-oldest', ['sha-oldest'], 15));
    await test.context.derived.put(derivedFile('decoded-newest', ['sha-newest'], 1));
    await evictEntries(test.context, { kind: 'budget' });
    expect(test.storedFiles()).toEqual(['blobs/sha-newest', 'derived/decoded-newest']);
  });

  it('counts a file shared by two entries once, and removes it with the last of them', async () => {
    const shared = [entry('a', 'same', 10, 100), entry('b', 'same', 10, 200), entry('c', 'other', 10, 300)];
    const test = await partition(10, shared);
    // 20 bytes on disk: freeing 10 takes both sharers.
    expect((await evictEntries(test.context, { kind: 'budget' })).evictKeys).toEqual(['a', 'b']);
    expect(test.storedFiles()).toEqual(['blobs/other']);
  });

  it('decides least recently used as of every hit recorded', async () => {
    const test = await partition(20, [oldest, middle, newest]);
    // A hit on `oldest` answered before the eviction, recorded while it waits.
    const context: PartitionContext = {
      ...test.context,
      hitsRecorded: async () => void (await test.context.store.update('oldest', (row) => ({ ...row, lastAccessedAt: 400 }))),
    };
    expect((await evictEntries(context, { kind: 'budget' })).evictKeys).toEqual(['middle']);
  });
});

describe('evictForQuota and enforceBudget', () => {
  /** The context with a commit lock that says whether a row was deleted under it. */
  function underLock(test: TestPartition): { context: PartitionContext; deletesOutsideLock: () => number } {
    let held = false;
    let outside = 0;
    const store = test.context.store;
    const context: PartitionContext = {
      ...test.context,
      store: Object.assign(Object.create(store) as typeof store, {
        delete: (keys: readonly string[]) => {
          if (!held) outside++;
          return store.delete(keys);
        },
      }),
      withCommitLock: (task) =>
        test.context.withCommitLock(async () => {
          held = true;
          try {
            return await task();
          } finally {
            held = false;
          }
        }),
    };
    return { context, deletesOutsideLock: () => outside };
  }

  it.each([
    ['evictForQuota frees what a download of known length still needs', (context: PartitionContext) => evictForQuota(context, { totalBytes: 10, keptBytes: 0 }), [pinned, oldest, middle], true, ['middle', 'pinned']],
    ['evictForQuota with only pinned entries frees nothing', (context: PartitionContext) => evictForQuota(context, { totalBytes: 10, keptBytes: 0 }), [pinned], false, ['pinned']],
    // Larger than maxBytes (10): it would be handed out uncached anyway, so nothing is evicted for it.
    ['evictForQuota for a download larger than maxBytes frees nothing', (context: PartitionContext) => evictForQuota(context, { totalBytes: 11, keptBytes: 0 }), [oldest, middle], false, ['middle', 'oldest']],
    // Unknown length: capped at maxBytes, less what survived.
    ['evictForQuota for a body of unknown length frees up to maxBytes', (context: PartitionContext) => evictForQuota(context, { totalBytes: null, keptBytes: 5 }), [pinned, oldest, middle], true, ['middle', 'pinned']],
    ['enforceBudget returns how many went', (context: PartitionContext) => enforceBudget(context), [oldest, middle, newest], 2, ['newest']],
  ] as const)('%s, under the commit lock', async (_name, run, entries, result, left) => {
    const test = await partition(10, entries);
    const { context, deletesOutsideLock } = underLock(test);
    expect(await run(context)).toBe(result);
    expect(await rowKeys(test.context)).toEqual(left);
    expect(deletesOutsideLock()).toBe(0);
  });

  it('enforceBudget called many times at once runs once: every call joins the run that has not started yet', async () => {
    const test = await partition(10, [oldest, middle, newest]);
    let runs = 0;
    const context: PartitionContext = {
      ...test.context,
      withCommitLock: (task) => {
        runs += 1;
        return test.context.withCommitLock(task);
      },
    };
    const evicted = await Promise.all(Array.from({ length: 8 }, () => enforceBudget(context)));
    expect(runs).toBe(1);
    expect(evicted).toEqual(Array(8).fill(2));
    expect(await rowKeys(test.context)).toEqual(['newest']);
    // Afterwards a new call runs again (and finds nothing to do).
    expect(await enforceBudget(context)).toBe(0);
    expect(runs).toBe(2);
  });
});

describe('byStoredFile', () => {
  it.each([
    ['a plain entry keeps its sha256', entry('a', 'hash', 1, 1), 'hash'],
    ['an encrypted entry is named by its stored file', entry('a', 'hash', 1, 1, { storedAs: 'random-name' }), 'random-name'],
  ])('%s', (_name, stored, sha256) => {
    expect(byStoredFile([stored])).toEqual([{ ...stored, sha256 }]);
  });
});
